import { execFileSync } from 'node:child_process';
import { faultsBroker } from './broker-env.mjs';

export default function globalTeardown() {
  if (process.env.FAULTS_KEEP_BROKER === '1') return;
  const broker = faultsBroker();
  execFileSync('bash', ['scripts/kafka-stop.sh'], { cwd: broker.root, env: broker.env, stdio: 'inherit' });
}
