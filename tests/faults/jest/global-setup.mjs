// The fault suite stops and restarts a broker, so it runs on a broker of its own (docs/adr/0010), never on the
// shared one: started here (idempotent) and stopped in global-teardown.mjs unless FAULTS_KEEP_BROKER=1.
import { execFileSync } from 'node:child_process';
import { faultsBroker } from './broker-env.mjs';

export default function globalSetup() {
  const broker = faultsBroker();
  execFileSync('bash', ['scripts/kafka-start.sh'], { cwd: broker.root, env: broker.env, stdio: 'inherit' });
  process.env.KAFKA_BROKERS = broker.brokers;
  process.env.FAULTS_KAFKA_HOME_DIR = broker.env.KAFKA_HOME_DIR;
}
