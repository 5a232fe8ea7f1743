"""A course-style Lab 2 bully peer of the f19 profile, written for dsim's
interop tests from the documented behaviour of Lundeen's reference bully
(f19-02): selectors, non-blocking sockets, one connection per message.
Standard library only.

Usage: python3 lab2_f19.py GCDHOST GCDPORT SUID DAYS
  (DAYS until the birthday is given directly, so identities are fixed.)

Behaviour, warts included:
- every message is pickled as (state_name, members), COORDINATOR included:
  it does not say who won, and the receiver records "somebody else";
- the OK to an ELECTION comes back on the ELECTION's connection;
- members carried by a message are merged with `for m in data: members[m] =
  data[m]` (so data that is not a dict crashes the program, as it would the
  reference);
- PROBE is never answered; nothing is ever probed;
- 2.0 s without an OK: victory; 2.0 s without the victor's COORDINATOR
  after an OK: a new election; a COORDINATOR is accepted from anybody.
"""
import pickle
import selectors
import socket
import sys
from datetime import datetime

BUF_SZ = 4096
BACKLOG = 100
ASSUME_FAILURE_TIMEOUT = 2.0
CHECK_INTERVAL = 0.2

QUIESCENT, SEND_ELECTION, SEND_VICTORY, SEND_OK = 'QUIESCENT', 'ELECTION', 'COORDINATOR', 'OK'
WAIT_OK, WAIT_VICTOR, WAIT_ANY = 'WAIT_OK', 'WHO IS THE WINNER?', 'WAITING'
OUTGOING = (SEND_ELECTION, SEND_VICTORY, SEND_OK)


class Lab2:
    def __init__(self, gcd, days, su_id):
        self.gcd = gcd
        self.pid = (days, su_id)
        self.members = {}
        self.states = {}
        self.bully = None
        self.selector = selectors.DefaultSelector()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(('localhost', 0))
        self.listener.listen(BACKLOG)
        self.listener.setblocking(False)
        self.address = self.listener.getsockname()

    def run(self):
        print('STARTING WORK for pid {} on {}'.format(self.pid, self.address), flush=True)
        self.join_group()
        self.selector.register(self.listener, selectors.EVENT_READ)
        self.start_election('at startup')
        while True:
            for key, mask in self.selector.select(CHECK_INTERVAL):
                if key.fileobj == self.listener:
                    peer, _ = self.listener.accept()
                    self.set_state(WAIT_ANY, peer)
                elif mask & selectors.EVENT_READ:
                    self.receive_message(key.fileobj)
                else:
                    self.send_message(key.fileobj)
            self.check_timeouts()

    def join_group(self):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as gcd:
            print('JOIN {}, {}'.format(self.gcd, (self.pid, self.address)), flush=True)
            gcd.connect(self.gcd)
            gcd.sendall(pickle.dumps(('JOIN', (self.pid, self.address))))
            self.members = pickle.loads(gcd.recv(BUF_SZ))
            if type(self.members) != dict:
                raise TypeError('got unexpected data from GCD: {}'.format(self.members))

    def send_message(self, peer):
        state = self.get_state(peer)
        try:
            peer.sendall(pickle.dumps((state, self.members)))
        except ConnectionError:
            self.set_quiescent(peer)
            return
        except Exception:
            if self.is_expired(peer):
                self.set_quiescent(peer)
            return
        if state == SEND_ELECTION:
            self.set_state(WAIT_OK, peer, switch_mode=True)
        else:
            self.set_quiescent(peer)

    def receive_message(self, peer):
        try:
            packet = peer.recv(BUF_SZ)
            if not packet:
                raise ValueError('socket closed')
            data = pickle.loads(packet)
            if type(data) == str:
                data = (data, None)
            name, their_idea = data
        except ConnectionError:
            self.set_quiescent(peer)
            return
        except Exception:
            if self.is_expired(peer):
                self.set_quiescent(peer)
            return
        if their_idea is not None:
            for member in their_idea:  # not a dict: TypeError, as in the reference
                self.members[member] = their_idea[member]
        if name == 'ELECTION':
            self.set_state(SEND_OK, peer)
            if self.bully is not None:
                self.start_election('Got a VOTE card from a lower-pid peer')
        elif name == 'COORDINATOR':
            self.set_leader('somebody else')
            self.set_quiescent(peer)
            self.set_quiescent()
        elif name == 'OK':
            if self.get_state() == WAIT_OK:
                self.set_state(WAIT_VICTOR)
            self.set_quiescent(peer)

    def check_timeouts(self):
        if self.is_expired():
            if self.get_state() == WAIT_OK:
                self.declare_victory('timed out waiting for any OK message')
            else:
                self.start_election('timed out waiting for COORDINATOR message')

    def connect(self, member):
        peer = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        peer.setblocking(False)
        try:
            peer.connect(self.members[member])
        except BlockingIOError:
            pass
        except Exception as err:
            print('FAILURE: get connection failed: {}'.format(err), flush=True)
            return None
        return peer

    def is_expired(self, peer=None):
        state, when = self.get_state(peer, detail=True)
        if state == QUIESCENT:
            return False
        return (datetime.now() - when).total_seconds() > ASSUME_FAILURE_TIMEOUT

    def set_leader(self, leader):
        self.bully = leader
        print('Leader is now {}'.format(leader), flush=True)

    def get_state(self, peer=None, detail=False):
        status = self.states.get(self if peer is None else peer, (QUIESCENT, None))
        return status if detail else status[0]

    def set_state(self, state, peer=None, switch_mode=False):
        key = self if peer is None else peer
        mask = selectors.EVENT_WRITE if state in OUTGOING else selectors.EVENT_READ
        if state == QUIESCENT:
            if key in self.states:
                if key is not self:
                    self.selector.unregister(key)
                    key.close()
                del self.states[key]
            return
        if key is not self and key not in self.states:
            self.selector.register(key, mask)
        elif switch_mode:
            self.selector.modify(key, mask)
        self.states[key] = (state, datetime.now())
        if mask == selectors.EVENT_WRITE:
            self.send_message(key)

    def set_quiescent(self, peer=None):
        self.set_state(QUIESCENT, peer)

    def start_election(self, reason):
        print('Starting an election {}'.format(reason), flush=True)
        self.set_leader(None)
        self.set_state(WAIT_OK)
        biggest = True
        for member in list(self.members):
            if member > self.pid:
                peer = self.connect(member)
                if peer is None:
                    continue
                self.set_state(SEND_ELECTION, peer)
                biggest = False
        if biggest:
            self.declare_victory('no other bullies bigger than me')

    def declare_victory(self, reason):
        print('Victory by {} {}'.format(self.pid, reason), flush=True)
        self.set_leader(self.pid)
        for member in list(self.members):
            if member != self.pid:
                peer = self.connect(member)
                if peer is not None:
                    self.set_state(SEND_VICTORY, peer)
        self.set_quiescent()


if __name__ == '__main__':
    if len(sys.argv) != 5:
        print('Usage: python3 lab2_f19.py GCDHOST GCDPORT SUID DAYS')
        sys.exit(2)
    Lab2((sys.argv[1], int(sys.argv[2])), int(sys.argv[4]), int(sys.argv[3])).run()
