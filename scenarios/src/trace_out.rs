//! `--trace FILE [--trace-format json|shiviz]`: where a run's events go.

use crate::cli::TraceFormat;
use crate::shiviz::ShivizLog;
use sim::TraceSink;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

/// A sink writing every event of a run to `path` in `format`; `roles` names
/// the nodes (ShiViz hosts).
pub fn open(path: &Path, format: TraceFormat, roles: Vec<String>) -> Result<TraceSink, String> {
    let file = File::create(path)
        .map_err(|e| format!("--trace {}: cannot create: {e}", path.display()))?;
    let out = BufWriter::new(file);
    Ok(match format {
        TraceFormat::Json => TraceSink::JsonLines(Box::new(out)),
        TraceFormat::Shiviz => TraceSink::Custom(Box::new(ShivizLog::new(out, roles))),
    })
}

/// A ShiViz log larger than this loads slowly (ShiViz parses and checks a
/// 4.8 MB log of 14,000 events in about 20 s).
const SHIVIZ_COMFORTABLE_BYTES: u64 = 1 << 20;

/// After the run: on stderr, a note when a ShiViz log is too big to open
/// comfortably, and how to make it smaller.
pub fn note_size(path: Option<&Path>, format: TraceFormat) {
    let Some(path) = path.filter(|_| format == TraceFormat::Shiviz) else {
        return;
    };
    let Ok(meta) = std::fs::metadata(path) else {
        return;
    };
    if meta.len() > SHIVIZ_COMFORTABLE_BYTES {
        eprintln!(
            "trace     note: {} is {:.1} MB; ShiViz gets slow past a few thousand events \
             (about 1 MB): shorten the run with the scenario's \"stop\": {{\"max_events\": N}} \
             or \"duration\"",
            path.display(),
            meta.len() as f64 / 1e6
        );
    }
}
