//! One machine type for both kinds of forex node.

use super::codec::Msg;
use super::events::Event;
use super::provider::Provider;
use super::subscriber::Subscriber;
use sim::{Ctx, Machine};
use std::net::SocketAddr;

/// What a forex timer means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ForexTimer {
    /// Provider: publish the next datagram.
    Publish,
    /// Subscriber: renew the subscription.
    Renew,
    /// Subscriber: resubscribe if nothing arrived for a while.
    Watchdog,
}

/// A provider or a subscriber.
#[derive(Clone, Debug)]
pub enum ForexNode {
    /// Publishes quotes.
    Provider(Provider),
    /// Looks for arbitrage in them.
    Subscriber(Subscriber),
}

impl ForexNode {
    /// The provider, if this node is one.
    pub fn as_provider(&self) -> Option<&Provider> {
        match self {
            ForexNode::Provider(p) => Some(p),
            ForexNode::Subscriber(_) => None,
        }
    }

    /// The subscriber, if this node is one.
    pub fn as_subscriber(&self) -> Option<&Subscriber> {
        match self {
            ForexNode::Subscriber(s) => Some(s),
            ForexNode::Provider(_) => None,
        }
    }
}

impl Machine for ForexNode {
    type Msg = Msg;
    type Timer = ForexTimer;
    type Obs = Event;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        if let ForexNode::Subscriber(s) = self {
            s.on_start(ctx);
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: SocketAddr, msg: Msg) {
        match self {
            ForexNode::Provider(p) => p.on_message(ctx, from, msg),
            ForexNode::Subscriber(s) => s.on_message(ctx, from, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: ForexTimer) {
        match (self, timer) {
            (ForexNode::Provider(p), ForexTimer::Publish) => p.on_publish(ctx),
            (ForexNode::Subscriber(s), ForexTimer::Renew) => s.on_renew(ctx),
            (ForexNode::Subscriber(s), ForexTimer::Watchdog) => s.on_watchdog(ctx),
            _ => {}
        }
    }
}
