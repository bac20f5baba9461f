// Validates JSON payloads against exported JSON Schemas with ajv (draft 2020-12, formats
// on, strict mode on so any keyword ajv does not know is an error).
// stdin: [{"event": name, "schema": {...}, "payloads": [...]}, ...]
// stdout: {"checked": n, "failures": [{"event", "index", "errors"}]}
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const cases = JSON.parse(Buffer.concat(chunks).toString("utf8"));
// `x-ciogen-type` marks timestamps for readers; strict mode must be told it is known.
const ajv = new Ajv2020({ strict: true, allErrors: true, keywords: ["x-ciogen-type"] });
addFormats(ajv);
let checked = 0;
const failures = [];
for (const { event, schema, payloads } of cases) {
  const validate = ajv.compile(schema);
  payloads.forEach((payload, index) => {
    checked += 1;
    if (!validate(payload)) failures.push({ event, index, errors: validate.errors });
  });
}
process.stdout.write(JSON.stringify({ checked, failures }));
