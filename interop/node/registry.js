// A Node.js reader and writer of etcd's naming format, with the etcd3 package (npm), the way a
// Node service would find Spring services and register itself. Started by NodeInteropIT.
//
//   node registry.js watch    <endpoints> <prefix>
//       lists the prefix, then watches it; prints one line per key:
//       "put {json}" (what a Node reader takes from the value) or "delete {json}"
//   node registry.js register <endpoints> <key> <ttl-seconds> <value>
//       grants a lease, puts the value under the key with it, keeps the lease alive;
//       prints "registered <key> <lease-id>"
//
// Both end when standard input closes (register revokes its lease first and prints
// "revoked <key>"), so that no program outlives the test that started it.
'use strict';

const { Etcd3 } = require('etcd3');

function connect(endpoints) {
  return new Etcd3({ hosts: endpoints.split(','), dialTimeout: 5000 });
}

function print(line) {
  process.stdout.write(line + '\n');
}

// What a Node reader makes of a value: JSON.parse, then the fields of etcd's naming format.
function describe(key, value) {
  const seen = { key };
  try {
    const parsed = JSON.parse(value);
    seen.op = parsed.Op;
    seen.addr = parsed.Addr;
    seen.metadata = parsed.Metadata;
    if (parsed.Instance && typeof parsed.Instance === 'object') {
      seen.status = parsed.Instance.status;
      seen.service = parsed.Instance.service;
    }
  } catch (err) {
    seen.error = err.message;
  }
  return seen;
}

function untilStdinEnds(stop) {
  process.stdin.on('data', () => {});
  process.stdin.on('end', stop);
  process.stdin.resume();
}

async function watch(endpoints, prefix) {
  const client = connect(endpoints);
  const listed = await client.getAll().prefix(prefix).strings();
  for (const [key, value] of Object.entries(listed)) {
    print('put ' + JSON.stringify(describe(key, value)));
  }
  const watcher = await client.watch().prefix(prefix).create();
  watcher.on('put', (kv) => print('put ' + JSON.stringify(describe(kv.key.toString(), kv.value.toString()))));
  watcher.on('delete', (kv) => print('delete ' + JSON.stringify({ key: kv.key.toString() })));
  watcher.on('error', (err) => process.stderr.write('watch error: ' + err.message + '\n'));
  print('watching ' + prefix);
  untilStdinEnds(async () => {
    await watcher.cancel();
    client.close();
  });
}

async function register(endpoints, key, ttl, value) {
  const client = connect(endpoints);
  const lease = client.lease(Number(ttl));
  lease.on('lost', (err) => process.stderr.write('lease lost: ' + err.message + '\n'));
  await lease.put(key).value(value);
  print('registered ' + key + ' ' + (await lease.grant()));
  untilStdinEnds(async () => {
    await lease.revoke();
    print('revoked ' + key);
    client.close();
  });
}

const [command, ...args] = process.argv.slice(2);
const commands = { watch, register };
if (!commands[command]) {
  process.stderr.write('usage: registry.js watch <endpoints> <prefix> | register <endpoints> <key> <ttl> <value>\n');
  process.exit(2);
}
commands[command](...args).catch((err) => {
  process.stderr.write(command + ' failed: ' + (err.stack || err) + '\n');
  process.exit(1);
});
