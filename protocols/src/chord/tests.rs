use super::*;
use sim::{simulate, BuildSpec, SimConfig};

fn scenario(name: &str) -> serde_json::Value {
    let (_, text) = ChordProtocol
        .scenarios()
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no scenario {name}"));
    serde_json::from_str(text).unwrap()
}

fn build(s: &serde_json::Value, seed: u64) -> sim::Simulation<ChordNode> {
    let config: SimConfig = SimConfig {
        seed,
        stop: serde_json::from_value(s["stop"].clone()).unwrap_or_default(),
        faults: serde_json::from_value(s["faults"].clone()).unwrap_or_default(),
        network: serde_json::from_value(s["network"].clone()).unwrap_or_default(),
        nemesis: serde_json::from_value(s["nemesis"].clone()).unwrap_or_default(),
        ..SimConfig::default()
    };
    let nodes = s["nodes"].as_u64().map(|n| n as usize);
    let spec = BuildSpec {
        nodes,
        params: &s["params"],
        config,
        properties: None,
        wire_check: true,
    };
    simulate(&ChordProtocol, &spec).unwrap()
}

fn fingers(sim: &sim::Simulation<ChordNode>, i: usize) -> Vec<u128> {
    let r = sim.node(i).unwrap().overlay().routing();
    (1..=r.space().bits())
        .map(|k| r.finger(k).unwrap().id().to_u128().unwrap())
        .collect()
}

fn count(sim: &sim::Simulation<ChordNode>, f: impl Fn(&Event) -> bool) -> usize {
    sim.observations().iter().filter(|o| f(&o.obs)).count()
}

#[test]
fn course_small_finger_tables_equal_the_papers_figure_5a() {
    let s = scenario("chord-course-small");
    let mut sim = build(&s, 1);
    // Before node 6 joins: the paper's Figure 3 (ring 0, 1, 3).
    sim.run_until(sim::Time::from_duration(std::time::Duration::from_secs(5)))
        .unwrap();
    for (i, want) in [[1, 3, 0], [3, 3, 0], [0, 0, 0]].iter().enumerate() {
        assert_eq!(&fingers(&sim, i), want, "node {i} before 6 joins");
    }
    let report = sim.run().unwrap();
    assert!(report.violation.is_none(), "{:?}", report.violation);
    // After node 6 joins through init_finger_table / update_others /
    // update_finger_table: Figure 5(a).
    for (i, want) in [[1, 3, 6], [3, 3, 6], [6, 6, 0], [0, 0, 3]]
        .iter()
        .enumerate()
    {
        assert_eq!(&fingers(&sim, i), want, "node {i}");
    }
    let preds: Vec<u128> = (0..4)
        .map(|i| {
            let r = sim.node(i).unwrap().overlay().routing();
            r.pred().unwrap().id().to_u128().unwrap()
        })
        .collect();
    assert_eq!(preds, [6, 0, 1, 3]);
}

#[test]
fn course_keys_move_to_the_node_that_joins_and_every_key_is_found() {
    let s = scenario("chord-course-small");
    let mut sim = build(&s, 3);
    let report = sim.run().unwrap();
    assert!(report.violation.is_none(), "{:?}", report.violation);
    assert_eq!(count(&sim, |e| matches!(e, Event::Stored { .. })), 8);
    assert_eq!(count(&sim, |e| matches!(e, Event::Found { .. })), 8);
    // Keys were stored before node 6 joined; those in (3, 6] now live on
    // node 6 (index 3) and nowhere else (the course moves them).
    let space = IdSpace::new(3).unwrap();
    let mut moved = 0;
    for k in 0..8 {
        let key = format!("key-{k}");
        let id = space.key_id(&key).to_u128().unwrap();
        let owner = match id {
            1 => 1,
            2 | 3 => 2,
            4..=6 => 3,
            _ => 0,
        };
        for i in 0..4 {
            let held = sim
                .node(i)
                .unwrap()
                .store()
                .contains(Id::from_u128(id), &key);
            assert_eq!(held, i == owner, "{key} (id {id}) on node {i}");
        }
        moved += usize::from(owner == 3);
    }
    assert!(moved > 0, "some key moved to node 6");
}

#[test]
fn course_csv_finds_every_row_of_the_real_file() {
    let s = scenario("chord-course-csv");
    let mut sim = build(&s, 1);
    let report = sim.run().unwrap();
    assert!(report.violation.is_none(), "{:?}", report.violation);
    assert_eq!(count(&sim, |e| matches!(e, Event::Stored { .. })), 8296);
    assert_eq!(count(&sim, |e| matches!(e, Event::Found { .. })), 8296);
    let held: usize = (0..16).map(|i| sim.node(i).unwrap().store().len()).sum();
    assert_eq!(held, 8296, "each key on exactly one node");
    // The nodes that joined after the populate hold keys: they moved.
    let late: usize = (8..16).map(|i| sim.node(i).unwrap().store().len()).sum();
    assert!(late > 0);
}

/// A scenario with its parameters changed.
fn with_params(name: &str, change: serde_json::Value) -> serde_json::Value {
    let mut s = scenario(name);
    for (k, v) in change.as_object().unwrap() {
        s["params"][k] = v.clone();
    }
    s
}

#[test]
fn without_replication_a_mass_failure_loses_keys() {
    // r = 1: no successor list to fall back on, no replicas.
    let s = with_params("chord-mass-failure", serde_json::json!({ "r": 1 }));
    let v = build(&s, 1).run().unwrap().violation.expect("a violation");
    assert!(
        ["keys-found", "no-key-lost", "ring-correct", "lookup-safety"]
            .contains(&v.property.as_str()),
        "{v:?}"
    );
}

#[test]
fn without_the_merge_check_a_healed_partition_stays_two_rings() {
    let s = with_params(
        "chord-partition-heal",
        serde_json::json!({ "merge_every": "0s" }),
    );
    let v = build(&s, 1).run().unwrap().violation.expect("a violation");
    assert!(
        ["lookup-safety", "ring-correct"].contains(&v.property.as_str()),
        "{v:?}"
    );
}

#[test]
fn notify_that_ignores_a_closer_predecessor_breaks_the_ring() {
    let s = with_params(
        "chord-mass-failure",
        serde_json::json!({ "bug": "notify-ignores-closer" }),
    );
    assert!(build(&s, 1).run().unwrap().violation.is_some());
}

#[test]
fn unknown_params_and_bad_values_are_refused_by_name() {
    let bad = [
        (serde_json::json!({ "bitz": 3 }), "bitz"),
        (serde_json::json!({ "bits": 0 }), "params.bits"),
        (
            serde_json::json!({ "ids": [0, 1] }),
            "params.ids: 2 ids for 16 nodes",
        ),
        (serde_json::json!({ "keys": "nfl" }), "params.keys"),
        (serde_json::json!({ "r": 0 }), "params.r"),
        (serde_json::json!({ "bug": "typo" }), "typo"),
    ];
    for (params, want) in bad {
        let spec = BuildSpec {
            nodes: None,
            params: &params,
            config: SimConfig::default(),
            properties: None,
            wire_check: false,
        };
        let err = simulate(&ChordProtocol, &spec).err().expect("refused");
        assert!(err.contains(want), "{err} (wanted {want})");
    }
}

// ----- the wire -----

fn peer(v: u128, port: u16) -> Peer {
    Peer::new(Id::from_u128(v), ([127, 0, 0, 1], port).into()).unwrap()
}

fn samples() -> Vec<Msg> {
    use msg::{DataReq, DataResp, RingReq, RingResp, Value};
    use rpc::RpcMsg;
    let v = Value(std::sync::Arc::from(vec![(
        "Name".to_string(),
        "Farris, Tom".to_string(),
    )]));
    let key: msg::Key = std::sync::Arc::from("tomfarris/25138611948");
    vec![
        Msg::ring(RpcMsg::Call {
            id: 1,
            body: RingReq::Step {
                target: Id::from_u128(5),
                avoid: None,
            },
        }),
        Msg::ring(RpcMsg::Call {
            id: 2,
            body: RingReq::Notify { me: peer(3, 1) },
        }),
        Msg::ring(RpcMsg::Call {
            id: 3,
            body: RingReq::Leaving {
                pred: Some(peer(1, 2)),
                succs: vec![peer(6, 3), peer(0, 4)],
            },
        }),
        Msg::ring(RpcMsg::Call {
            id: 4,
            body: RingReq::UpdateFinger {
                s: peer(6, 3),
                i: 3,
            },
        }),
        Msg::ring(RpcMsg::Reply {
            id: 5,
            body: RingResp::Done { owner: peer(6, 3) },
        }),
        Msg::ring(RpcMsg::Reply {
            id: 6,
            body: RingResp::Neighbours {
                pred: None,
                succs: vec![peer(1, 2)],
            },
        }),
        Msg::ring(RpcMsg::Reply {
            id: 7,
            body: RingResp::Joining,
        }),
        Msg::data(RpcMsg::Call {
            id: 8,
            body: DataReq::Put {
                key: key.clone(),
                value: v.clone(),
            },
        }),
        Msg::data(RpcMsg::Call {
            id: 9,
            body: DataReq::Handoff {
                lo: Id::from_u128(3),
                hi: Id::from_u128(6),
                after: None,
                remove: true,
            },
        }),
        Msg::data(RpcMsg::Reply {
            id: 10,
            body: DataResp::Items {
                items: vec![(key, v)],
                more: Some(Id::from_u128(4)),
            },
        }),
        Msg::data(RpcMsg::Reply {
            id: 11,
            body: DataResp::Value(None),
        }),
        Msg::WrongSpace { ours: 3 },
    ]
}

#[test]
fn every_message_survives_the_codec() {
    let codec = ChordCodec::new(IdSpace::new(3).unwrap());
    for msg in samples() {
        let mut out = Vec::new();
        codec.encode(&msg, &mut out).unwrap();
        assert_eq!(
            codec.decode(&out).unwrap(),
            msg,
            "{}",
            String::from_utf8_lossy(&out)
        );
    }
}

#[test]
fn malformed_rpcs_are_refused_with_the_reason() {
    let codec = ChordCodec::new(IdSpace::new(3).unwrap());
    let cases: [(&[u8], &str); 6] = [
        (b"", "not a chord message"),
        (b"\x80\x03garbage", "not a chord message"),
        (br#"{"m":3,"msg":{"ring":{"call":{"id":1,"body":{"step":{"target":"zz"}}}}}}"#, "hex"),
        (br#"{"m":3,"msg":{"ring":{"call":{"id":1,"body":{"step":{"target":"9"}}}}}}"#, "more than M = 3 bits"),
        (br#"{"m":3,"msg":{"ring":{"call":{"id":1,"body":{"notify":{"me":{"id":"1","addr":"[::1]:5"}}}}}}}"#, "IPv4"),
        (br#"{"m":3,"msg":{"data":{"call":{"id":1,"body":{"fetch":{"key":"k","x":1}}}}}}"#, "unknown field"),
    ];
    for (bytes, want) in cases {
        let err = codec.decode(bytes).expect_err("refused").to_string();
        assert!(err.contains(want), "{err} (wanted {want})");
    }
    let huge = vec![b' '; codec::MAX_MESSAGE + 1];
    assert!(codec.decode(&huge).is_err());
}

#[test]
fn a_node_with_another_m_is_told_and_noted() {
    // Encoded by a node with M = 160, read by a node with M = 3.
    let theirs = ChordCodec::new(IdSpace::sha1());
    let ours = ChordCodec::new(IdSpace::new(3).unwrap());
    let mut out = Vec::new();
    theirs.encode(&samples()[0], &mut out).unwrap();
    assert_eq!(ours.decode(&out).unwrap(), Msg::Foreign { theirs: 160 });
    // The node answers with its own M and notes the mismatch.
    let s = with_params("chord-course-small", serde_json::json!({}));
    let spec_nodes = ChordProtocol
        .nodes(
            &serde_json::from_value(s["params"].clone()).unwrap(),
            Some(4),
        )
        .unwrap();
    let book: Vec<std::net::SocketAddr> = (0..4)
        .map(|i| sim::virtual_addr(i, spec_nodes[i].port))
        .collect();
    let node = (spec_nodes[0].make)(0, &book);
    let mut h = sim::testing::Harness::at(node, book[0], 1);
    h.start();
    h.take_sent();
    h.take_observations();
    let stranger = sim::virtual_addr(9, 1);
    h.deliver(stranger, Msg::Foreign { theirs: 160 });
    assert_eq!(h.take_sent(), vec![(stranger, Msg::WrongSpace { ours: 3 })]);
    assert_eq!(
        h.take_observations(),
        vec![Event::SpaceMismatch {
            theirs: 160,
            peer: stranger
        }]
    );
    // ...and the WrongSpace answer reads as such at the other side.
    let mut out = Vec::new();
    ours.encode(&Msg::WrongSpace { ours: 3 }, &mut out).unwrap();
    assert_eq!(theirs.decode(&out).unwrap(), Msg::WrongSpace { ours: 3 });
}

#[test]
fn a_get_of_an_unknown_key_answers_none() {
    use msg::{DataReq, DataResp};
    use rpc::RpcMsg;
    let params: ScenarioParams = serde_json::from_value(serde_json::json!({
        "mode": "course", "bits": 3, "ids": [0]
    }))
    .unwrap();
    let specs = ChordProtocol.nodes(&params, Some(1)).unwrap();
    let me = sim::virtual_addr(0, specs[0].port);
    let mut h = sim::testing::Harness::at((specs[0].make)(0, &[me]), me, 1);
    h.start();
    let client = sim::virtual_addr(5, 1);
    let key: msg::Key = std::sync::Arc::from("nobody/0000");
    h.deliver(
        client,
        Msg::data(RpcMsg::Call {
            id: 77,
            body: DataReq::Get { key },
        }),
    );
    // A lone node owns every key and answers at once.
    assert_eq!(
        h.take_sent(),
        vec![(
            client,
            Msg::data(RpcMsg::Reply {
                id: 77,
                body: DataResp::Value(None)
            })
        )]
    );
}
