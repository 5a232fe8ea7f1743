"""Writes the byte vectors of the course messages in every profile, as
Python's pickle.dumps gives them (default protocol), to stdout; stored as
course_vectors.txt and checked by tests/tests/course_wire.rs.

Usage: python3 vectors.py > course_vectors.txt

Line format: PROFILE NAME HEX, or `raw NAME INPUT_HEX REPLY_HEX` for the
course GCD's answer to input that is not a pickle.
"""
import pickle

PID = (20, 1234561)
# In identity order: dsim keeps members sorted.
MEMBERS = {(3, 7654321): ('127.0.0.1', 7000), PID: ('127.0.0.1', 55661)}
NAMES = {
    'f19': ('JOIN', 'ELECTION', 'OK', 'COORDINATOR'),
    'f23': ('HOWDY', 'ELECT', 'GOT_IT', 'I_AM_LEADER'),
    'f24': ('BEGIN', 'ELECTION', 'OK', 'COORDINATOR'),
    'dsim': ('JOIN', 'ELECTION', 'OK', 'COORDINATOR'),
}


def messages(profile):
    join, elect, ok, leader = NAMES[profile]
    answer = {'f19': (ok, MEMBERS), 'f23': ok, 'f24': (ok, None), 'dsim': (ok, MEMBERS)}[profile]
    winner = {'f19': (leader, MEMBERS), 'f23': (leader, PID), 'f24': (leader, PID),
              'dsim': (leader, (PID, MEMBERS))}[profile]
    probe_ok = {'f19': ok, 'f23': ok, 'f24': (ok, None), 'dsim': ok}[profile]
    return [
        ('group_join', join),
        ('group_list', [{'host': '127.0.0.1', 'port': 23015}, {'host': '127.0.0.1', 'port': 23016}]),
        ('join', (join, (PID, ('127.0.0.1', 55661)))),
        ('members', MEMBERS),
        ('text', 'Unexpected message: x'),
        ('hello', 'HELLO'),
        ('hello_reply', ('OK', "Happy to meet you, ('127.0.0.1', 44338)")),
        ('election', (elect, MEMBERS)),
        ('ok', answer),
        ('coordinator', winner),
        ('probe', ('PROBE', None)),
        ('probe_ok', probe_ok),
    ]


def not_a_pickle(raw):
    return bytes('Expected a pickled message, got ' + str(raw)[:100] + '\n', 'utf-8')


if __name__ == '__main__':
    for profile in NAMES:
        for name, value in messages(profile):
            print(profile, name, pickle.dumps(value).hex())
    for name, raw in [('hello', b'hello\n'), ('quotes', b"it's \"x\"\\\t\n"),
                      ('long', b'x' * 200 + b'\n'), ('binary', bytes([0, 255, 10]))]:
        print('raw', name, raw.hex(), not_a_pickle(raw).hex())
