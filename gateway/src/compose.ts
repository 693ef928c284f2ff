// `node dist/compose.js [--check]`: composes services/*/schema.graphql into gateway/supergraph.graphql.
// With --check it writes nothing and fails when composition fails or the committed file is stale (CI).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { DEFAULT_SUBGRAPH_URLS, SUBGRAPH_NAMES, SUPERGRAPH_PATH } from './config.js';
import { composeSupergraph, isStale, type SubgraphSdl } from './supergraph.js';

const repositoryRoot = resolve(import.meta.dirname, '..', '..');
const shown = (path: string): string => relative(repositoryRoot, path);

function readSubgraphs(): SubgraphSdl[] | string[] {
  const missing: string[] = [];
  const subgraphs = SUBGRAPH_NAMES.map((name) => {
    const path = resolve(repositoryRoot, 'services', name, 'schema.graphql');
    if (!existsSync(path))
      missing.push(`${shown(path)} is missing: start the ${name} service once to generate it`);
    // The URL recorded in the supergraph is informational: the gateway routes by subgraph name to its configured URL.
    return {
      name,
      url: DEFAULT_SUBGRAPH_URLS[name],
      sdl: missing.length > 0 ? '' : readFileSync(path, 'utf8'),
    };
  });
  return missing.length > 0 ? missing : subgraphs;
}

function main(): number {
  const check = process.argv.includes('--check');
  const subgraphs = readSubgraphs();
  if (typeof subgraphs[0] === 'string') {
    for (const problem of subgraphs as string[]) console.error(`error: ${problem}`);
    return 1;
  }
  const composition = composeSupergraph(subgraphs as SubgraphSdl[]);
  for (const hint of composition.hints) console.error(`hint: ${hint}`);
  if (!composition.ok) {
    for (const error of composition.errors) console.error(`error: ${error}`);
    console.error(`Composition failed with ${composition.errors.length} error(s).`);
    return 1;
  }
  const committed = existsSync(SUPERGRAPH_PATH) ? readFileSync(SUPERGRAPH_PATH, 'utf8') : undefined;
  const stale = isStale(committed, composition.supergraphSdl);
  if (check) {
    if (stale) {
      console.error(
        `${shown(SUPERGRAPH_PATH)} is stale: run \`node gateway/dist/compose.js\` and commit the result.`,
      );
      return 1;
    }
    console.error(`${shown(SUPERGRAPH_PATH)} is up to date.`);
    return 0;
  }
  if (stale) writeFileSync(SUPERGRAPH_PATH, composition.supergraphSdl);
  console.error(`${shown(SUPERGRAPH_PATH)} ${stale ? 'written' : 'unchanged'}.`);
  return 0;
}

process.exitCode = main();
