// Validates Kubernetes objects against the API's schemas, offline: kubernetes-models' validators
// (the Kubernetes OpenAPI schemas compiled to JavaScript), @kubernetes-models/keda's for the
// ScaledObjects and @kubernetes-models/strimzi-kafka-operator's for the KafkaTopics and
// KafkaUsers. A plain ES module: the packages ship as ES modules only.
//
//   node tools/deploy/validate-k8s.mjs k8s/*.yaml          files (a kustomization.yaml is skipped)
//   kubectl kustomize k8s/overlays/dev | node tools/deploy/validate-k8s.mjs -     what a build prints
//
// Prints one line per object, and each error; exits 1 if any object is invalid or of a kind
// it has no schema for. Unknown fields are not caught: the schemas allow them.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The module of an apiVersion's models. */
function modelsOf(apiVersion) {
  if (/^(eventing\.)?keda\.sh\//.test(apiVersion))
    return import(`@kubernetes-models/keda/${apiVersion}`);
  if (/^(kafka|core)\.strimzi\.io\//.test(apiVersion))
    return import(`@kubernetes-models/strimzi-kafka-operator/${apiVersion}`);
  return import(`kubernetes-models/${apiVersion}`);
}

/** Every error of one object, as lines; none when it is valid. */
export async function problemsOf(object) {
  if (!object || typeof object !== 'object') return ['not an object'];
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return ['no apiVersion or kind'];
  let models;
  try {
    models = await modelsOf(apiVersion);
  } catch {
    return [`no schema for apiVersion ${apiVersion}`];
  }
  const Model = models[kind];
  if (typeof Model !== 'function') return [`no schema for ${kind} in ${apiVersion}`];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return String(error.message)
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
  }
}

function documentsOf(text, source) {
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors[0].message}`);
    return doc.toJS();
  });
}

async function main(args) {
  const inputs =
    args.length === 0 || args[0] === '-'
      ? [{ source: 'standard input', text: readFileSync(0, 'utf8') }]
      : args
          .filter((file) => basename(file) !== 'kustomization.yaml')
          .map((file) => ({ source: file, text: readFileSync(file, 'utf8') }));
  let objects = 0;
  let invalid = 0;
  for (const { source, text } of inputs) {
    for (const object of documentsOf(text, source)) {
      if (object === null) continue;
      objects += 1;
      const name = `${object.kind ?? '?'} ${object.metadata?.name ?? '?'} (${source})`;
      const problems = await problemsOf(object);
      if (problems.length === 0) {
        console.log(`valid: ${name}`);
        continue;
      }
      invalid += 1;
      console.log(`INVALID: ${name}`);
      for (const problem of problems) console.log(`  ${problem}`);
    }
  }
  console.log(`${objects} objects, ${invalid} invalid`);
  return invalid === 0 && objects > 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`)
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error.message);
      process.exit(2);
    },
  );
