//! The `gcd` properties, on the observation stream (they run live too).

use super::member::greeting;
use super::node::{Event, GcdNode};
use sim::{Env, Fault, Property};
use std::collections::BTreeSet;
use std::net::SocketAddr;

/// `greetings-correct`: every reply the client prints comes from a listed
/// member, once, and greets the client's own address. Cost: a set insert per
/// greeting.
pub fn greetings_correct() -> Property<GcdNode> {
    let mut listed: Option<BTreeSet<SocketAddr>> = None;
    let mut client: Option<SocketAddr> = None;
    let mut greeted = BTreeSet::new();
    Property::always("greetings-correct", move |o| {
        match &o.obs {
            Event::Listed { members } => listed = Some(members.iter().copied().collect()),
            Event::Joining { me, .. } => client = Some(*me),
            Event::Greeted { member, reply } => {
                if !listed.as_ref().is_some_and(|l| l.contains(member)) {
                    return Err(format!("greeted {member}, which is not a listed member"));
                }
                if !greeted.insert(*member) {
                    return Err(format!("member {member} reported twice"));
                }
                // Over TCP a member sees the client's outgoing port, not
                // its listening one: the greeting must name the client's host.
                if let (Ok(text), Some(me)) = (reply, client) {
                    let expected = greeting(me);
                    let host_part = expected
                        .rsplit_once(',')
                        .map_or(expected.as_str(), |(h, _)| h);
                    if !text.starts_with(host_part) {
                        return Err(format!(
                            "member {member} replied {text:?}, expected {expected:?}"
                        ));
                    }
                }
            }
            _ => {}
        }
        Ok(())
    })
}

/// What the client reported, folded from the stream.
#[derive(Default)]
struct Reports {
    listed: Vec<SocketAddr>,
    greeted: Vec<(SocketAddr, Result<String, String>)>,
    finished: bool,
    join_failed: bool,
}

/// `client-reports`: the client finished, reported every never-faulted
/// member's reply and every member down from the start as a failure.
pub fn client_reports(client: usize, within: std::time::Duration) -> Property<GcdNode> {
    Property::eventually(
        "client-reports",
        within,
        Reports::default(),
        move |r, o| {
            if o.node != client {
                return;
            }
            match &o.obs {
                Event::Listed { members } => r.listed = members.clone(),
                Event::Greeted { member, reply } => r.greeted.push((*member, reply.clone())),
                Event::Finished { .. } => r.finished = true,
                Event::JoinFailed { .. } => r.join_failed = true,
                _ => {}
            }
        },
        check_reports,
    )
}

fn check_reports(r: &Reports, env: &Env<'_>) -> Result<(), String> {
    if !r.finished {
        return Err("the client has not finished".into());
    }
    let lossless = env.counters.dropped.total() == 0;
    if r.join_failed {
        return if env.faults.is_empty() && lossless {
            Err("the client could not join the GCD, yet nothing failed".into())
        } else {
            Ok(())
        };
    }
    for (i, member) in r.listed.iter().enumerate() {
        let node = i + 1;
        let Some((_, result)) = r.greeted.iter().find(|(m, _)| m == member) else {
            return Err(format!("member {member} was never reported"));
        };
        let faults: Vec<&Fault> = env
            .faults
            .iter()
            .filter(|f| f.fault.nodes().contains(&node) || f.fault == Fault::Heal)
            .map(|f| &f.fault)
            .collect();
        let down_from_start = env
            .faults
            .iter()
            .any(|f| f.at.0.is_zero() && f.fault == Fault::Crash { node })
            && !faults.iter().any(|f| matches!(f, Fault::Restart { .. }));
        match result {
            Err(why) if faults.is_empty() && lossless => {
                return Err(format!("live member {member} reported as failed: {why}"))
            }
            Ok(text) if down_from_start => {
                return Err(format!("dead member {member} reported a reply: {text}"))
            }
            _ => {}
        }
    }
    Ok(())
}
