/**
 * What actually uploads: the API client, the upload protocols, the hashing pool and each file's pipeline. The engine loads
 * this module with one import() when the first file is queued, so a page that only renders the
 * element and takes files does not fetch it up front.
 */
export {PanClient} from '../api/client.ts';
export {hashBlob, hashFile} from '../hash/index.ts';
export {createProtocols} from '../protocols/index.ts';
export {FilePipeline} from './file-pipeline.ts';
