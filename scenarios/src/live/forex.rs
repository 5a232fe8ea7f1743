//! forex live: node 0 is the provider, the others subscribe to it; the run
//! lasts the scenario's duration (or until Ctrl-C). Properties are checked
//! in simulation only: live, observations are printed and counted.

use super::{run_machines, LiveOutcome, LiveSpec};
use protocols::pubsub::{
    node_count, render, ForexCodec, ForexNode, Provider, ScenarioParams, Subscriber,
};

/// Runs a forex scenario live.
pub fn run(spec: LiveSpec<'_>) -> Result<LiveOutcome, String> {
    let params: ScenarioParams = sim::erased::parse_params(&spec.scenario.params)?;
    params.validate()?;
    let nodes = node_count(spec.scenario.nodes)?;
    let verbose = params.print_quotes;
    let codec = ForexCodec::new(params.layout);
    let (report, _) = run_machines(
        spec,
        nodes,
        move |i, book| match i {
            0 => ForexNode::Provider(Provider::new(params.provider())),
            _ => ForexNode::Subscriber(Subscriber::new(params.subscriber(book[0]))),
        },
        codec,
        move |e| render(e, verbose),
        |_| false,
    )?;
    Ok(LiveOutcome {
        report,
        violations: Vec::new(),
    })
}
