//! bully live: node 0 is the GCD, the others are bully peers that join it
//! and elect a leader over real sockets (TCP is the course's transport). The
//! run lasts the scenario's duration (or until Ctrl-C); properties are
//! checked in simulation only, live the elections are printed and counted.

use super::{run_machines, LiveOutcome, LiveSpec};
use protocols::bully::{peer_count, render, BullyNode, Peer, ScenarioParams};
use protocols::gcd::{CourseCodec, GcdServer};

/// Runs a bully scenario live.
pub fn run(spec: LiveSpec<'_>) -> Result<LiveOutcome, String> {
    let params: ScenarioParams = sim::erased::parse_params(&spec.scenario.params)?;
    params.check()?;
    let peers = peer_count(spec.scenario.nodes)?;
    let pids = params.peer_pids(peers)?;
    let codec = CourseCodec::new(params.wire, params.profile);
    let (report, _) = run_machines(
        spec,
        peers + 1,
        move |i, book| match i {
            0 => BullyNode::Gcd(GcdServer::default()),
            _ => BullyNode::Peer(Peer::new(
                pids[i - 1],
                book[0],
                params.timing.clone(),
                params.feign.clone(),
                params.bug,
            )),
        },
        codec,
        render,
        |_| false,
    )?;
    Ok(LiveOutcome {
        report,
        violations: Vec::new(),
    })
}
