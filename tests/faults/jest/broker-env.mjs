// Where the fault suite's own broker listens and keeps its data: FAULTS_KAFKA_PORT [19092],
// FAULTS_KAFKA_CONTROLLER_PORT [19093], FAULTS_KAFKA_HOME_DIR [<repo>/.infra/kafka-faults].
import { fileURLToPath } from 'node:url';

export function faultsBroker() {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const port = process.env.FAULTS_KAFKA_PORT ?? '19092';
  const env = {
    ...process.env,
    KAFKA_PORT: port,
    KAFKA_CONTROLLER_PORT: process.env.FAULTS_KAFKA_CONTROLLER_PORT ?? '19093',
    KAFKA_HOME_DIR: process.env.FAULTS_KAFKA_HOME_DIR ?? `${root}.infra/kafka-faults`,
    KAFKA_HEAP_OPTS: process.env.FAULTS_KAFKA_HEAP_OPTS ?? '-Xms256m -Xmx768m',
  };
  return { root, env, brokers: `127.0.0.1:${port}` };
}
