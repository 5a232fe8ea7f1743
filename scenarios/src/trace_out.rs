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
