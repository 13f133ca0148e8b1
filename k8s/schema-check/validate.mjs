// Validates Kubernetes documents against the schemas of the kubernetes-models packages (generated from the
// Kubernetes OpenAPI spec and from the Prometheus Operator and KEDA CRDs).
//   node validate.mjs <documents.json>
// Input: a JSON array of documents (objects with apiVersion and kind). Output on stdout: a JSON array with one
// entry per document, in order: {"index", "apiVersion", "kind", "name", "validator", "errors"}. "validator" is the
// package whose schema was applied, or null when none of the packages models that apiVersion/kind (the caller
// decides what to do with those); "errors" lists schema violations as "<instancePath> <message>".
// Exit code: 0 when the input could be read (whatever the validation outcome), 2 on a usage or input error.
import { readFileSync } from "node:fs";

const THIRD_PARTY = {
  "keda.sh": "@kubernetes-models/keda",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

function modulePath(apiVersion) {
  const slash = apiVersion.indexOf("/");
  if (slash < 0) {
    return { pkg: "kubernetes-models", path: `kubernetes-models/${apiVersion}` };
  }
  const group = apiVersion.substring(0, slash);
  const pkg = THIRD_PARTY[group] ?? "kubernetes-models";
  return { pkg, path: `${pkg}/${apiVersion}` };
}

async function modelClass(apiVersion, kind) {
  const { pkg, path } = modulePath(apiVersion);
  try {
    const mod = await import(path);
    return mod[kind] ? { pkg, cls: mod[kind] } : null;
  } catch (e) {
    if (e.code === "ERR_MODULE_NOT_FOUND" || e.code === "ERR_PACKAGE_PATH_NOT_EXPORTED") {
      return null;
    }
    throw e;
  }
}

if (process.argv.length !== 3) {
  console.error("usage: node validate.mjs <documents.json>");
  process.exit(2);
}
let docs;
try {
  docs = JSON.parse(readFileSync(process.argv[2], "utf8"));
} catch (e) {
  console.error(`${process.argv[2]}: ${e.message}`);
  process.exit(2);
}
if (!Array.isArray(docs)) {
  console.error(`${process.argv[2]}: expected a JSON array of documents`);
  process.exit(2);
}
const results = [];
for (let i = 0; i < docs.length; i++) {
  const doc = docs[i];
  const entry = { index: i, apiVersion: doc?.apiVersion ?? null, kind: doc?.kind ?? null,
                  name: doc?.metadata?.name ?? null, validator: null, errors: [] };
  if (typeof entry.apiVersion === "string" && typeof entry.kind === "string") {
    const model = await modelClass(entry.apiVersion, entry.kind);
    if (model) {
      entry.validator = model.pkg;
      try {
        new model.cls(doc).validate();
      } catch (e) {
        const errs = e.errors ?? [{ instancePath: "", message: e.message }];
        entry.errors = errs.map((x) => `${x.instancePath || "/"} ${x.message}${x.params ? " " + JSON.stringify(x.params) : ""}`);
      }
    }
  } else {
    entry.errors.push("/ apiVersion and kind must be strings");
  }
  results.push(entry);
}
process.stdout.write(JSON.stringify(results));
