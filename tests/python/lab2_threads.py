"""A course-style Lab 2 bully peer of the f23 or f24 profile, written for
dsim's interop tests from the documented behaviour (f23: the assignment
text; f24: that year's names, COORDINATOR carrying the leader's identity):
socketserver.ThreadingTCPServer, one thread per outgoing message.
Standard library only.

Usage: python3 lab2_threads.py PROFILE GCDHOST GCDPORT SUID DAYS
  PROFILE is f23 or f24 (DAYS until the birthday is given directly).

| profile | join  | elect                   | answer          | leader                    | probe            |
|---------|-------|-------------------------|-----------------|---------------------------|------------------|
| f23     | HOWDY | ('ELECT', members)      | 'GOT_IT'        | ('I_AM_LEADER', identity) | PROBE -> GOT_IT   |
| f24     | BEGIN | ('ELECTION', members)   | ('OK', None)    | ('COORDINATOR', identity) | not answered      |

The answer comes back on the election's connection. An f23 peer probes its
leader every 0.5-3 s and, when a probe fails, joins the GCD again and starts
an election; an f24 peer never probes. Every election joins the GCD first
(to learn the members). A leader announcement is accepted from anybody.
"""
import pickle
import random
import socket
import socketserver
import sys
import threading
import time

BUF_SZ = 4096
ASSUME_FAILURE_TIMEOUT = 2.0
COORDINATOR_TIMEOUT = 4.0
NAMES = {
    'f23': dict(join='HOWDY', elect='ELECT', ok='GOT_IT', leader='I_AM_LEADER', probes=True),
    'f24': dict(join='BEGIN', elect='ELECTION', ok='OK', leader='COORDINATOR', probes=False),
}


class Peer(socketserver.ThreadingTCPServer):
    daemon_threads = True

    def __init__(self, profile, gcd, pid):
        super().__init__(('localhost', 0), Handler)
        self.n = NAMES[profile]
        self.profile = profile
        self.gcd = gcd
        self.pid = pid
        self.members = {}
        self.leader = None
        self.in_election = False
        self.lock = threading.Lock()
        self.got_ok = threading.Event()
        self.got_leader = threading.Event()

    def log(self, text):
        print(text, flush=True)

    def answer(self):
        return self.n['ok'] if self.profile == 'f23' else (self.n['ok'], None)

    def join(self):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect(self.gcd)
            s.sendall(pickle.dumps((self.n['join'], (self.pid, self.server_address))))
            reply = pickle.loads(s.recv(BUF_SZ))
        if isinstance(reply, dict):
            with self.lock:
                self.members.update(reply)
        else:
            self.log('unexpected reply from the GCD: {}'.format(reply))

    def set_leader(self, leader):
        self.leader = leader
        self.log('Leader is now {}'.format(leader))

    def start_election(self, reason):
        with self.lock:
            if self.in_election:
                return
            self.in_election = True
        threading.Thread(target=self.election, args=(reason,), daemon=True).start()

    def election(self, reason):
        while True:
            self.log('Starting an election {}'.format(reason))
            self.set_leader(None)
            self.got_ok.clear()
            self.got_leader.clear()
            try:
                self.join()
            except OSError as err:
                self.log('GCD unreachable: {}'.format(err))
            with self.lock:
                higher = {p: a for p, a in self.members.items() if p > self.pid}
            for addr in higher.values():
                threading.Thread(target=self.send_elect, args=(addr,), daemon=True).start()
            if not higher or not self.got_ok.wait(ASSUME_FAILURE_TIMEOUT):
                self.victory()
                return
            if self.got_leader.wait(COORDINATOR_TIMEOUT):
                with self.lock:
                    self.in_election = False
                return
            reason = 'timed out waiting for the leader'

    def send_elect(self, addr):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.settimeout(ASSUME_FAILURE_TIMEOUT)
                s.connect(tuple(addr))
                with self.lock:
                    members = dict(self.members)
                s.sendall(pickle.dumps((self.n['elect'], members)))
                reply = pickle.loads(s.recv(BUF_SZ))
            name = reply if isinstance(reply, str) else reply[0]
            if name == self.n['ok']:
                self.got_ok.set()
        except Exception as err:
            self.log('no answer to {} from {}: {}'.format(self.n['elect'], addr, err))

    def victory(self):
        self.log('Victory by {}'.format(self.pid))
        with self.lock:
            self.in_election = False
            others = [a for p, a in self.members.items() if p != self.pid]
        self.set_leader(self.pid)
        for addr in others:
            threading.Thread(target=self.send_one, args=(addr, (self.n['leader'], self.pid)),
                             daemon=True).start()

    def send_one(self, addr, message):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.settimeout(ASSUME_FAILURE_TIMEOUT)
                s.connect(tuple(addr))
                s.sendall(pickle.dumps(message))
        except OSError as err:
            self.log('failed to send {} to {}: {}'.format(message[0], addr, err))

    def probe_loop(self):
        while True:
            time.sleep(random.uniform(0.5, 3.0))
            leader = self.leader
            with self.lock:
                addr = self.members.get(leader)
            if leader is None or leader == self.pid or addr is None or self.in_election:
                continue
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                    s.settimeout(ASSUME_FAILURE_TIMEOUT)
                    s.connect(tuple(addr))
                    s.sendall(pickle.dumps(('PROBE', None)))
                    reply = pickle.loads(s.recv(BUF_SZ))
                if reply != self.n['ok']:
                    raise ValueError('unexpected answer {!r}'.format(reply))
            except Exception as err:
                self.log('PROBE of leader {} failed: {}'.format(leader, err))
                self.start_election('after a failed probe')


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        peer = self.server
        try:
            message = pickle.loads(self.request.recv(BUF_SZ))
        except Exception as err:
            peer.log('unreadable message: {}'.format(err))
            return
        name, data = (message, None) if isinstance(message, str) else (message[0], message[1])
        if name == peer.n['elect']:
            if isinstance(data, dict):
                with peer.lock:
                    peer.members.update(data)
            self.request.sendall(pickle.dumps(peer.answer()))
            peer.start_election('Got an election from a lower-pid peer')
        elif name == peer.n['leader']:
            peer.set_leader(tuple(data))
            peer.got_leader.set()
        elif name == 'PROBE' and peer.n['probes']:
            self.request.sendall(pickle.dumps(peer.n['ok']))
        elif name != 'PROBE':
            peer.log('unexpected message {!r}'.format(message))


if __name__ == '__main__':
    if len(sys.argv) != 6 or sys.argv[1] not in NAMES:
        print('Usage: python3 lab2_threads.py f23|f24 GCDHOST GCDPORT SUID DAYS')
        sys.exit(2)
    me = Peer(sys.argv[1], (sys.argv[2], int(sys.argv[3])), (int(sys.argv[5]), int(sys.argv[4])))
    me.log('STARTING WORK for pid {} on {}'.format(me.pid, me.server_address))
    threading.Thread(target=me.serve_forever, daemon=True).start()
    me.join()
    if me.n['probes']:
        threading.Thread(target=me.probe_loop, daemon=True).start()
    me.start_election('at startup')
    threading.Event().wait()
