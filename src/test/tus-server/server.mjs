// A stock tus 1.0.0 server for FieldFlash's tests: @tus/server with @tus/file-store, nothing added.
// Usage: node server.mjs PORT DIR   (listens on 127.0.0.1:PORT, uploads under /files, stores in DIR)
// Prints "listening <port>" on stdout once it accepts connections (PORT 0 picks a free port).
import { Server } from '@tus/server';
import { FileStore } from '@tus/file-store';

const [portArg, dir] = process.argv.slice(2);
if (portArg === undefined || dir === undefined) {
  console.error('usage: node server.mjs PORT DIR');
  process.exit(2);
}
const server = new Server({ path: '/files', datastore: new FileStore({ directory: dir }) });
const http = server.listen({ host: '127.0.0.1', port: Number(portArg) }, () => {
  console.log(`listening ${http.address().port}`);
});
process.on('SIGTERM', () => http.close(() => process.exit(0)));
