// Runs one synthesized Lambda bundle as the Lambda runtime does: a fresh process imports
// it and calls its `handler` with an event and a context. The as-deployed tests and the
// cold-start bench (P2) spawn it with exactly the environment the function would get.
//
//   node scripts/invoke-bundle.mjs <bundle.mjs> <event JSON> [function name] [timeout ms]
//   node scripts/invoke-bundle.mjs --exports <bundle.mjs>...
//
// The answer is one JSON line on file descriptor 3, kept apart from stdout, where the
// handler's own logs go: {"importMs", "invokeMs", "result"}, {"error"} (exit 1), or with
// --exports, {"exports": {<bundle>: [names]}}.
import { randomUUID } from 'node:crypto';
import { writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const ANSWER_FD = 3;
const answer = (value) => writeSync(ANSWER_FD, `${JSON.stringify(value)}\n`);

const usage = () => {
  console.error(
    'usage: invoke-bundle.mjs <bundle.mjs> <event JSON> [function name] [timeout ms]\n' +
      '       invoke-bundle.mjs --exports <bundle.mjs>...',
  );
  process.exit(2);
};

const args = process.argv.slice(2);
try {
  if (args[0] === '--exports') {
    if (args.length < 2) usage();
    const exports = {};
    for (const bundle of args.slice(1)) {
      exports[bundle] = Object.keys(await import(pathToFileURL(bundle).href)).sort();
    }
    answer({ exports });
    process.exit(0);
  }
  const [bundle, eventJson, functionName = 'draftstore', timeoutMs = '30000'] = args;
  if (!bundle || !eventJson) usage();
  const event = JSON.parse(eventJson);
  const started = performance.now();
  const module = await import(pathToFileURL(bundle).href);
  const imported = performance.now();
  const deadline = Date.now() + Number(timeoutMs);
  const context = {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  const result = await module.handler(event, context);
  const invoked = performance.now();
  answer({ importMs: imported - started, invokeMs: invoked - imported, result });
  // The runtime freezes the process after an invocation: idle sockets must not keep it alive.
  process.exit(0);
} catch (error) {
  answer({ error: String(error?.stack ?? error) });
  process.exit(1);
}
