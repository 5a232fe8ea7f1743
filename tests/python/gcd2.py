"""A course-style Lab 2 group coordinator daemon (GCD2), written for dsim's
interop tests from the documented behaviour of the course's gcd2.py
(as the course describes "GCD2"). Standard library only.

Usage: python3 gcd2.py PORT [PROFILE]
  PORT 0 picks a free port; PROFILE (f19, f23, f24) picks the join name
  (JOIN, HOWDY, BEGIN). Prints "ready PORT" once listening.

Behaviour, warts included: one request per connection, a single recv(1024);
a reply is the pickled dict {pid: (ip, port)} or a pickled error str; input
that is not a pickle gets the raw line "Expected a pickled message, got ...";
a re-join by the same SU ID replaces its old pid, a join on a taken address
evicts the old owner, and failed members are never removed.
"""
import pickle
import socket
import socketserver
import sys

BUF_SZ = 1024
JOIN_NAMES = {'f19': 'JOIN', 'f23': 'HOWDY', 'f24': 'BEGIN'}


class Gcd(socketserver.BaseRequestHandler):
    join_name = 'JOIN'
    group = {}        # pid -> (ip, port)
    by_listener = {}  # (ip, port) -> pid
    by_student = {}   # su_id -> pid
    localhost_ip = socket.gethostbyname('localhost')

    def handle(self):
        raw = self.request.recv(BUF_SZ)
        try:
            message = pickle.loads(raw)
        except Exception:
            response = bytes('Expected a pickled message, got ' + str(raw)[:100] + '\n', 'utf-8')
        else:
            try:
                response = pickle.dumps(self.join(message))
            except ValueError as err:
                response = pickle.dumps(str(err))
        self.request.sendall(response)
        self.request.shutdown(socket.SHUT_RDWR)
        self.request.close()

    @classmethod
    def join(cls, message):
        try:
            name, data = message
        except (ValueError, TypeError):
            raise ValueError('Malformed message')
        if name != cls.join_name:
            raise ValueError('Unexpected message: {}'.format(name))
        try:
            pid, listener = data
            host, port = listener
            days, su_id = pid
        except (ValueError, TypeError):
            raise ValueError('Malformed message data, expected ((days_to_bd, su_id), (host, port))')
        if not (type(days) is int and type(su_id) is int
                and 0 < days < 366 and 1_000_000 <= su_id < 10_000_000):
            raise ValueError('Malformed process id, expected (days_to_next_birthday, student_id)')
        try:
            ip = socket.gethostbyname(host)
        except Exception as err:
            raise ValueError(str(err))
        if not (type(port) is int and 0 < port < 65_536):
            raise ValueError('Invalid port number')
        if ip != cls.localhost_ip:
            raise ValueError('Only local group members currently allowed')
        listener = (ip, port)
        if su_id in cls.by_student and cls.by_student[su_id] != pid:
            cls.group.pop(cls.by_student[su_id], None)
        cls.by_student[su_id] = pid
        cls.group[pid] = listener
        if listener in cls.by_listener and cls.by_listener[listener] != pid:
            cls.group.pop(cls.by_listener[listener], None)
        cls.by_listener[listener] = pid
        return cls.group


if __name__ == '__main__':
    if len(sys.argv) not in (2, 3):
        print('Usage: python3 gcd2.py PORT [f19|f23|f24]')
        sys.exit(2)
    Gcd.join_name = JOIN_NAMES[sys.argv[2] if len(sys.argv) == 3 else 'f19']
    with socketserver.TCPServer(('', int(sys.argv[1])), Gcd) as server:
        print('ready {}'.format(server.server_address[1]), flush=True)
        server.serve_forever()
