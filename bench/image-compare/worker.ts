/** The comparison's worker: runs one candidate's job at a time. */
import {run, type Job, type Reply} from './candidates.ts';

const scope = self as unknown as {onmessage: ((e: MessageEvent<Job>) => void) | null; postMessage(reply: Reply): void};
scope.onmessage = async ({data}) => scope.postMessage(await run(data));
