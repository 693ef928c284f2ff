// Integration and end-to-end tests talk to real servers and start real processes.
import { jest } from '@jest/globals';

jest.setTimeout(180_000);
