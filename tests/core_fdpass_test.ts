// SOCK_SEQPACKET + SCM_RIGHTS wrappers: messages and fds cross a socket; every wait has a
// finite timeout; errors say what was wrong. (Passing a port handle: core_vale_test.ts.)
import assert from "node:assert/strict";
import { closeFd, NetmapError, SeqpacketListener, SeqpacketSocket } from "../mod.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "nms-fdpass-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function isCode(code: string): (e: unknown) => boolean {
  return (e: unknown) => e instanceof NetmapError && e.code === code;
}

Deno.test("a message and an fd cross a seqpacket socket", async () => {
  await withDir(async (dir) => {
    using listener = SeqpacketListener.listen(`${dir}/s.sock`);
    const connecting = SeqpacketSocket.connect(`${dir}/s.sock`, { timeoutMs: 1000 });
    using server = await listener.accept({ timeoutMs: 1000 });
    using client = await connecting;
    assert.equal(server.send(new TextEncoder().encode("hello"), 1), 5); // pass stdout
    const msg = await client.recv({ timeoutMs: 1000 });
    assert.equal(new TextDecoder().decode(msg.data), "hello");
    assert.ok(msg.fd >= 0 && msg.fd !== 1, `received fd ${msg.fd}`);
    assert.equal(msg.closed, false);
    closeFd(msg.fd);
    client.send(new Uint8Array([1, 2, 3]));
    const back = await server.recv({ timeoutMs: 1000, maxBytes: 16 });
    assert.deepEqual([...back.data], [1, 2, 3]);
    assert.equal(back.fd, -1);
    client.close();
    const end = await server.recv({ timeoutMs: 1000 });
    assert.equal(end.closed, true, "peer closed: empty message");
  });
});

Deno.test("waits end at their timeout with ETIMEDOUT", async () => {
  await withDir(async (dir) => {
    using listener = SeqpacketListener.listen(`${dir}/t.sock`);
    const t0 = performance.now();
    await assert.rejects(listener.accept({ timeoutMs: 100 }), isCode("ETIMEDOUT"));
    assert.ok(performance.now() - t0 < 2000);
    const connecting = SeqpacketSocket.connect(`${dir}/t.sock`);
    using server = await listener.accept();
    using client = await connecting;
    await assert.rejects(client.recv({ timeoutMs: 50 }), isCode("ETIMEDOUT"));
    await assert.rejects(server.recv({ timeoutMs: -1 }), isCode("EINVAL"));
  });
});

Deno.test("no server, a busy path, closed sockets: clear errors", async () => {
  await withDir(async (dir) => {
    await assert.rejects(
      SeqpacketSocket.connect(`${dir}/none.sock`, { timeoutMs: 100 }),
      (e: unknown) => isCode("ENOENT")(e) && /no server is listening/.test(String(e)),
    );
    using first = SeqpacketListener.listen(`${dir}/busy.sock`);
    assert.throws(() => SeqpacketListener.listen(`${dir}/busy.sock`), isCode("EADDRINUSE"));
    first.close();
    first.close();
    await assert.rejects(first.accept({ timeoutMs: 10 }), isCode("EBADF"));
    // the path was removed: a new server can listen there
    using second = SeqpacketListener.listen(`${dir}/busy.sock`);
    assert.equal(second.path, `${dir}/busy.sock`);
  });
});
