// A fake PostgreSQL server in Node for hostile-server tests: it speaks just enough of the wire
// protocol (v3) to stay silent, close at once, or ask for a password (in cleartext or MD5) and
// capture whatever the client sends. It never accepts a login: after a password message it
// answers 28P01 (invalid_password). SSL requests are declined ('N').
import * as net from 'node:net';

export type FakeMode = 'silent' | 'close' | 'cleartext' | 'md5';

export interface FakePostgres {
  port: number;
  /** Password messages received, as sent (cleartext, or `md5…` hashes). */
  passwords: string[];
  /** Startup parameters of each connection (user, database, application_name…). */
  startups: Array<Record<string, string>>;
  connections: number;
  stop(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const PROTOCOL_3 = 196608;

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n, 0);
  return b;
}

function errorResponse(code: string, text: string): Buffer {
  const fields = [`SFATAL`, `VFATAL`, `C${code}`, `M${text}`].map((f) => Buffer.from(`${f}\0`, 'utf8'));
  return message('E', Buffer.concat([...fields, Buffer.from([0])]));
}

export async function startFakePostgres(mode: FakeMode, listenHost = '127.0.0.1'): Promise<FakePostgres> {
  const sockets = new Set<net.Socket>();
  const fake: Omit<FakePostgres, 'port' | 'stop'> = { passwords: [], startups: [], connections: 0 };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    fake.connections++;
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (mode === 'close') {
      socket.destroy();
      return;
    }
    let buf = Buffer.alloc(0);
    let started = false;
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (!started) {
          if (buf.length < 8) return;
          const len = buf.readInt32BE(0);
          if (buf.length < len) return;
          const code = buf.readInt32BE(4);
          const body = buf.subarray(8, len);
          buf = buf.subarray(len);
          if (code === SSL_REQUEST) {
            if (mode !== 'silent') socket.write('N');
            continue;
          }
          if (code !== PROTOCOL_3) {
            socket.destroy();
            return;
          }
          started = true;
          const parts = body.toString('utf8').split('\0');
          const params: Record<string, string> = {};
          for (let i = 0; i + 1 < parts.length; i += 2) if (parts[i]) params[parts[i]] = parts[i + 1];
          fake.startups.push(params);
          if (mode === 'cleartext') socket.write(message('R', int32(3)));
          else if (mode === 'md5') socket.write(message('R', Buffer.concat([int32(5), Buffer.from([1, 2, 3, 4])])));
          // silent: say nothing, ever
          continue;
        }
        if (buf.length < 5) return;
        const type = String.fromCharCode(buf[0]);
        const len = buf.readInt32BE(1);
        if (buf.length < len + 1) return;
        const body = buf.subarray(5, len + 1);
        buf = buf.subarray(len + 1);
        if (type === 'p') {
          fake.passwords.push(body.toString('utf8').replace(/\0$/, ''));
          socket.end(errorResponse('28P01', 'password authentication failed for user'));
        } else if (type === 'X') {
          socket.end();
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, listenHost, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake postgres: no port');
  return {
    get passwords() {
      return fake.passwords;
    },
    get startups() {
      return fake.startups;
    },
    get connections() {
      return fake.connections;
    },
    port: address.port,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
