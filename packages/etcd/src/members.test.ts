import { describe, expect, it } from 'vitest';
import { memberProblems, parseEndpointHealth, parseMemberListJson, parseMemberListTable } from './members.js';

const KTHW = [
  { name: 'controller-0', ip: '10.240.0.10' },
  { name: 'controller-1', ip: '10.240.0.11' },
  { name: 'controller-2', ip: '10.240.0.12' },
];

/** The seed's own expected output (plain table). */
const SEED_TABLE = `3a57933972cb5131, started, controller-2, https://10.240.0.12:2380, https://10.240.0.12:2379, false
f98dc20bce6225a0, started, controller-0, https://10.240.0.10:2380, https://10.240.0.10:2379, false
ffed16798470cab5, started, controller-1, https://10.240.0.11:2380, https://10.240.0.11:2379, false
`;

/** The same cluster as `-w json` prints it (etcdctl 3.4: uint64 IDs as bare numbers). */
const SEED_JSON =
  '{"header":{"cluster_id":14371804100607780834,"member_id":17982242243123226016,"raft_term":2},"members":[' +
  '{"ID":4203990652121993521,"name":"controller-2","peerURLs":["https://10.240.0.12:2380"],"clientURLs":["https://10.240.0.12:2379"]},' +
  '{"ID":17982242243123226016,"name":"controller-0","peerURLs":["https://10.240.0.10:2380"],"clientURLs":["https://10.240.0.10:2379"]},' +
  '{"ID":18441420760320887477,"name":"controller-1","peerURLs":["https://10.240.0.11:2380"],"clientURLs":["https://10.240.0.11:2379"]}]}\n';

/** Recorded from etcdctl 3.4.23 (Debian) on a loopback cluster with a fourth member added but never started. */
const REC_UNSTARTED =
  '{"header":{"cluster_id":14371804100607780834,"member_id":15384607655018781953,"raft_term":2},"members":[{"ID":3129297065709407208,"name":"m3","peerURLs":["http://127.0.0.1:32380"],"clientURLs":["http://127.0.0.1:32379"]},{"ID":9337176598445387855,"name":"m2","peerURLs":["http://127.0.0.1:22380"],"clientURLs":["http://127.0.0.1:22379"]},{"ID":14360717365645792418,"peerURLs":["http://127.0.0.1:42380"]},{"ID":15384607655018781953,"name":"m1","peerURLs":["http://127.0.0.1:12380"],"clientURLs":["http://127.0.0.1:12379"]}]}\n';
const REC_UNSTARTED_TABLE = `2b6d7f19fe480be8, started, m3, http://127.0.0.1:32380, http://127.0.0.1:32379, false
819450a5536d704f, started, m2, http://127.0.0.1:22380, http://127.0.0.1:22379, false
c74b845b9319d4a2, unstarted, , http://127.0.0.1:42380, , false
d5811b26ae265d01, started, m1, http://127.0.0.1:12380, http://127.0.0.1:12379, false
`;

describe('member list parsers', () => {
  it('reads uint64 IDs without losing precision, in the hex the table shows', () => {
    const l = parseMemberListJson(SEED_JSON);
    expect(l.members.map((m) => m.id).sort()).toEqual(['3a57933972cb5131', 'f98dc20bce6225a0', 'ffed16798470cab5']);
    expect(l.memberId).toBe('f98dc20bce6225a0');
    expect(l.clusterId).toBe(BigInt('14371804100607780834').toString(16));
    const table = parseMemberListTable(SEED_TABLE);
    expect(l.members).toEqual(table);
  });

  it('an added member that has not started has no name and no client URLs', () => {
    const l = parseMemberListJson(REC_UNSTARTED);
    expect(l.members).toEqual(parseMemberListTable(REC_UNSTARTED_TABLE));
    expect(l.members.find((m) => m.id === 'c74b845b9319d4a2')).toEqual({
      id: 'c74b845b9319d4a2',
      name: '',
      status: 'unstarted',
      peerUrls: ['http://127.0.0.1:42380'],
      clientUrls: [],
      isLearner: false,
    });
  });

  it('reads the gRPC gateway form, where IDs are strings', () => {
    const gw =
      '{"header":{"cluster_id":"14371804100607780834","member_id":"4203990652121993521"},"members":[{"ID":"4203990652121993521","name":"controller-2","peerURLs":["https://10.240.0.12:2380"],"clientURLs":["https://10.240.0.12:2379"],"isLearner":true}]}';
    expect(parseMemberListJson(gw).members[0]).toMatchObject({ id: '3a57933972cb5131', isLearner: true, status: 'started' });
  });

  it('skips log lines before the JSON and fails clearly on an error', () => {
    expect(parseMemberListJson(`{"level":"warn","msg":"retrying of unary invoker failed"}\n${SEED_JSON}`).members).toHaveLength(3);
    expect(() => parseMemberListJson('Error: context deadline exceeded\n')).toThrow(/not a member list: Error: context deadline exceeded/);
  });
});

describe('endpoint health parser', () => {
  it.each([
    ['healthy (recorded)', '[{"endpoint":"http://127.0.0.1:12379","health":true,"took":"1.486768ms"}]\n', [true]],
    [
      'no quorum (recorded)',
      '[{"endpoint":"http://127.0.0.1:32379","health":false,"took":"5.001104114s","error":"context deadline exceeded"}]\nError: unhealthy cluster\n',
      [false],
    ],
    [
      '--cluster (recorded)',
      '[{"endpoint":"http://127.0.0.1:12379","health":true,"took":"3.61364ms"},{"endpoint":"http://127.0.0.1:32379","health":true,"took":"4.068077ms"},{"endpoint":"http://127.0.0.1:22379","health":true,"took":"4.242381ms"}]',
      [true, true, true],
    ],
  ])('%s', (_n, text, health) => {
    expect(parseEndpointHealth(text).map((h) => h.health)).toEqual(health);
  });

  it('keeps the error', () => {
    expect(parseEndpointHealth('[{"endpoint":"e","health":false,"took":"5s","error":"context deadline exceeded"}]')[0]?.error).toBe(
      'context deadline exceeded',
    );
  });
});

describe('memberProblems', () => {
  it('the seed cluster matches the KTHW inventory', () => {
    expect(memberProblems(parseMemberListTable(SEED_TABLE), KTHW)).toEqual([]);
  });

  it('names what is missing, unstarted, wrong or unknown', () => {
    const l = parseMemberListTable(SEED_TABLE).filter((m) => m.name !== 'controller-1');
    expect(memberProblems(l, KTHW)).toEqual(['controller-1 is not a member of the cluster']);
    const wrongUrl = parseMemberListTable(SEED_TABLE.replace('https://10.240.0.12:2379', 'https://10.240.0.99:2379'));
    expect(memberProblems(wrongUrl, KTHW)).toEqual([
      'controller-2 has client URLs https://10.240.0.99:2379, expected https://10.240.0.12:2379',
    ]);
    const unstarted = parseMemberListTable(
      SEED_TABLE.replace(
        'ffed16798470cab5, started, controller-1, https://10.240.0.11:2380, https://10.240.0.11:2379',
        'ffed16798470cab5, unstarted, , https://10.240.0.11:2380, ',
      ),
    );
    expect(memberProblems(unstarted, KTHW)).toEqual(['controller-1 (https://10.240.0.11:2380) is unstarted']);
    expect(memberProblems(parseMemberListTable(SEED_TABLE), KTHW.slice(0, 2))).toEqual([
      'member controller-2 (https://10.240.0.12:2380) is not in the inventory',
    ]);
  });
});
