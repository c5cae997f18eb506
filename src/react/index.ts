/**
 * `pan-uploader/react`: <PanUploader> as a React component, through @lit/react.
 *
 * Properties go to the element as properties (so `tokenProvider` can be a function), and each
 * `pan-*` event has an `on…` callback typed with its detail.
 *
 * @example
 * <PanUploader target="drive" tokenUrl="/pan/token" multiple
 *   onPanUploadSuccess={(e) => save(e.detail.fileID)} />
 */
import * as React from 'react';
import {createComponent, type EventName} from '@lit/react';
// Registers <pan-uploader> (guarded), so the wrapper works on its own.
import '../pan-uploader.ts';
import {PanUploader as PanUploaderElement} from '../components/pan-uploader/pan-uploader.component.ts';
import type {PanUploaderEventMap} from '../components/pan-uploader/events.ts';

type EventOf<K extends keyof PanUploaderEventMap> = EventName<PanUploaderEventMap[K]>;

/** React callback prop → DOM event name. */
export const panUploaderEvents = {
  onPanFileAdded: 'pan-file-added' as EventOf<'pan-file-added'>,
  onPanFileRejected: 'pan-file-rejected' as EventOf<'pan-file-rejected'>,
  onPanUploadStart: 'pan-upload-start' as EventOf<'pan-upload-start'>,
  onPanUploadProgress: 'pan-upload-progress' as EventOf<'pan-upload-progress'>,
  onPanUploadSuccess: 'pan-upload-success' as EventOf<'pan-upload-success'>,
  onPanUploadError: 'pan-upload-error' as EventOf<'pan-upload-error'>,
  onPanQueueComplete: 'pan-queue-complete' as EventOf<'pan-queue-complete'>,
  // The form value (the uploaded fileIDs) changed.
  onChange: 'change' as EventName<Event>,
} as const;

export const PanUploader = createComponent({
  react: React,
  tagName: 'pan-uploader',
  elementClass: PanUploaderElement,
  events: panUploaderEvents,
  displayName: 'PanUploader',
});

/** Props of <PanUploader>: the element's properties, the callbacks above, and React's HTML attributes. */
export type PanUploaderProps = React.ComponentProps<typeof PanUploader>;

export {PanUploaderElement};
export type * from '../components/pan-uploader/events.ts';
