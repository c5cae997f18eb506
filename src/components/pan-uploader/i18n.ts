/**
 * Every string the element shows or announces, in English and Simplified Chinese.
 * The engine hands over keys (RejectKey, ErrorKey, UploadStatus); this file turns them into words.
 */
import type {ErrorKey, RejectKey, UploadStatus} from '../../core/types.ts';

export type Locale = 'en' | 'zh-CN';

export interface Strings {
  dropTitle: string;
  dropHint: string;
  dropHintImage: string;
  dropActive: string;
  chooseFiles: string;
  chooseFolder: string;
  empty: string;
  fileList: string;
  rejectedList: string;
  overall: string;
  upload: string;
  pauseAll: string;
  resumeAll: string;
  clear: string;
  pause: string;
  resume: string;
  cancel: string;
  retry: string;
  remove: string;
  dismiss: string;
  copyLink: string;
  copied: string;
  copyFailed: string;
  openLink: string;
  instant: string;
  resumed: string;
  rejected: string;
  /** URL import (image host): the field's label, its button, the status while 123pan downloads, the source. */
  importLabel: string;
  importButton: string;
  importing: string;
  importFrom: (host: string) => string;
  status: Record<UploadStatus, string>;
  reject: Record<RejectKey, string>;
  error: Record<ErrorKey, string>;
  traceID: string;
  valueMissing: string;
  uploadsRunning: string;
  /** "3 of 10 uploaded" */
  countDone: (done: number, total: number) => string;
  failedCount: (n: number) => string;
  speed: (perSecond: string) => string;
  eta: (time: string) => string;
  seconds: (s: number) => string;
  minutes: (m: number, s: number) => string;
  hours: (h: number, m: number) => string;
  progressOf: (name: string) => string;
  actionOn: (action: string, name: string) => string;
  announceAdded: (n: number) => string;
  announceStart: (n: number) => string;
  announceMilestone: (percent: number) => string;
  announceDone: (name: string) => string;
  announceError: (name: string, message: string) => string;
  announceRejected: (name: string, reason: string) => string;
  announceComplete: (succeeded: number, failed: number) => string;
}

const en: Strings = {
  dropTitle: 'Drop files here',
  dropHint: 'or paste them, or choose from your device',
  dropHintImage: 'Images only: PNG, JPEG, GIF, WebP, SVG, BMP, TIFF, up to 100 MB each',
  dropActive: 'Release to add the files',
  chooseFiles: 'Choose files',
  chooseFolder: 'Choose folder',
  empty: 'No files yet',
  fileList: 'Files to upload',
  rejectedList: 'Files not added',
  overall: 'Overall progress',
  upload: 'Upload',
  pauseAll: 'Pause all',
  resumeAll: 'Resume all',
  clear: 'Clear list',
  pause: 'Pause',
  resume: 'Resume',
  cancel: 'Cancel',
  retry: 'Retry',
  remove: 'Remove',
  dismiss: 'Dismiss',
  copyLink: 'Copy link',
  copied: 'Link copied',
  copyFailed: 'Could not copy the link',
  openLink: 'Open',
  instant: 'instant upload: already on 123pan',
  resumed: 'continued from an earlier upload',
  rejected: 'Not added',
  importLabel: 'Or import an image from a web address',
  importButton: 'Import',
  importing: '123pan is downloading',
  importFrom: (host) => `from ${host}`,
  status: {
    queued: 'Waiting',
    hashing: 'Checking file',
    creating: 'Preparing',
    uploading: 'Uploading',
    completing: 'Verifying',
    done: 'Uploaded',
    error: 'Failed',
    paused: 'Paused',
    canceled: 'Canceled',
  },
  reject: {
    'name-empty': 'The file has no name.',
    'name-too-long': 'The name is longer than 255 characters.',
    'name-forbidden-char': 'The name contains one of " \\ / : * ? | > <.',
    'name-only-spaces': 'The name is only spaces.',
    'too-large': 'The file is larger than the size allowed here.',
    'target-too-large': 'The file is larger than 123pan accepts for this destination.',
    'not-accepted': 'This type of file is not accepted here.',
    'not-image': 'The image host accepts only PNG, GIF, JPEG, TIFF, WebP, SVG and BMP images.',
    'too-many-files': 'Too many files: the limit has been reached.',
    'already-queued': 'This file is already in the list.',
    'bad-url': 'Paste a web address starting with http:// or https://.',
  },
  error: {
    network: 'The network connection failed.',
    timeout: 'The server took too long to answer.',
    auth: 'Not signed in to 123pan, or the access was refused.',
    'token-limit': 'The 123pan account has too many active access tokens.',
    'rate-limited': '123pan is receiving too many requests; try again shortly.',
    'traffic-limit': 'The 123pan account has used up its traffic allowance.',
    server: '123pan reported an internal error.',
    'not-found': 'The file or folder no longer exists on 123pan.',
    'verify-timeout': '123pan did not finish verifying the file in time.',
    'etag-mismatch': 'The uploaded bytes did not match the file: it may have changed while uploading.',
    'mixed-content': 'The upload server uses plain HTTP, which this secure page cannot reach.',
    'hash-failed': 'The file could not be read to compute its checksum.',
    refused: '123pan refused the upload.',
    'url-failed': '123pan could not download an image from this address: it may be unreachable, not an image, or over 100 MB.',
    unknown: 'Something went wrong.',
  },
  traceID: 'Trace ID',
  valueMissing: 'Please upload at least one file.',
  uploadsRunning: 'Please wait until the uploads have finished.',
  countDone: (done, total) => `${done} of ${total} uploaded`,
  failedCount: (n) => `${n} failed`,
  speed: (perSecond) => `${perSecond}/s`,
  eta: (time) => `${time} left`,
  seconds: (s) => `${s} s`,
  minutes: (m, s) => `${m} min ${s} s`,
  hours: (h, m) => `${h} h ${m} min`,
  progressOf: (name) => `Progress of ${name}`,
  actionOn: (action, name) => `${action} ${name}`,
  announceAdded: (n) => (n === 1 ? '1 file added.' : `${n} files added.`),
  announceStart: (n) => (n === 1 ? 'Uploading 1 file.' : `Uploading ${n} files.`),
  announceMilestone: (percent) => `Upload ${percent}% done.`,
  announceDone: (name) => `${name} uploaded.`,
  announceError: (name, message) => `${name} failed: ${message}`,
  announceRejected: (name, reason) => `${name} was not added: ${reason}`,
  announceComplete: (succeeded, failed) =>
    failed ? `Uploads finished: ${succeeded} uploaded, ${failed} failed.` : `Uploads finished: ${succeeded} uploaded.`,
};

const zhCN: Strings = {
  dropTitle: '将文件拖放到这里',
  dropHint: '也可以粘贴，或从设备中选择',
  dropHintImage: '仅限图片：PNG、JPEG、GIF、WebP、SVG、BMP、TIFF，每张不超过 100 MB',
  dropActive: '松开即可添加文件',
  chooseFiles: '选择文件',
  chooseFolder: '选择文件夹',
  empty: '还没有文件',
  fileList: '待上传的文件',
  rejectedList: '未添加的文件',
  overall: '总进度',
  upload: '上传',
  pauseAll: '全部暂停',
  resumeAll: '全部继续',
  clear: '清空列表',
  pause: '暂停',
  resume: '继续',
  cancel: '取消',
  retry: '重试',
  remove: '移除',
  dismiss: '关闭',
  copyLink: '复制链接',
  copied: '链接已复制',
  copyFailed: '无法复制链接',
  openLink: '打开',
  instant: '秒传：123云盘中已有此文件',
  resumed: '已从上次中断处继续',
  rejected: '未添加',
  importLabel: '或从网址导入图片',
  importButton: '导入',
  importing: '123云盘下载中',
  importFrom: (host) => `来自 ${host}`,
  status: {
    queued: '等待中',
    hashing: '正在校验文件',
    creating: '准备中',
    uploading: '上传中',
    completing: '正在确认',
    done: '已上传',
    error: '失败',
    paused: '已暂停',
    canceled: '已取消',
  },
  reject: {
    'name-empty': '文件没有名称。',
    'name-too-long': '文件名超过 255 个字符。',
    'name-forbidden-char': '文件名包含 " \\ / : * ? | > < 中的字符。',
    'name-only-spaces': '文件名只有空格。',
    'too-large': '文件超过了此处允许的大小。',
    'target-too-large': '文件超过了 123云盘对此位置的大小限制。',
    'not-accepted': '此处不接受这种类型的文件。',
    'not-image': '图床只接受 PNG、GIF、JPEG、TIFF、WebP、SVG 和 BMP 图片。',
    'too-many-files': '文件过多：已达到数量上限。',
    'already-queued': '此文件已在列表中。',
    'bad-url': '请粘贴以 http:// 或 https:// 开头的网址。',
  },
  error: {
    network: '网络连接失败。',
    timeout: '服务器响应超时。',
    auth: '未登录 123云盘，或访问被拒绝。',
    'token-limit': '123云盘账号的有效访问令牌过多。',
    'rate-limited': '123云盘请求过于频繁，请稍后再试。',
    'traffic-limit': '123云盘账号的流量已用尽。',
    server: '123云盘内部错误。',
    'not-found': '文件或文件夹在 123云盘上已不存在。',
    'verify-timeout': '123云盘未能及时完成文件校验。',
    'etag-mismatch': '上传的内容与文件不一致：文件可能在上传过程中被修改。',
    'mixed-content': '上传服务器使用不安全的 HTTP，安全页面无法访问。',
    'hash-failed': '无法读取文件以计算校验值。',
    refused: '123云盘拒绝了此次上传。',
    'url-failed': '123云盘无法从此网址下载图片：网址可能无法访问、不是图片，或超过 100 MB。',
    unknown: '出现了未知错误。',
  },
  traceID: '追踪 ID',
  valueMissing: '请至少上传一个文件。',
  uploadsRunning: '请等待上传完成。',
  countDone: (done, total) => `已上传 ${done} / ${total}`,
  failedCount: (n) => `${n} 个失败`,
  speed: (perSecond) => `${perSecond}/秒`,
  eta: (time) => `剩余 ${time}`,
  seconds: (s) => `${s} 秒`,
  minutes: (m, s) => `${m} 分 ${s} 秒`,
  hours: (h, m) => `${h} 小时 ${m} 分`,
  progressOf: (name) => `${name} 的进度`,
  actionOn: (action, name) => `${action}：${name}`,
  announceAdded: (n) => `已添加 ${n} 个文件。`,
  announceStart: (n) => `正在上传 ${n} 个文件。`,
  announceMilestone: (percent) => `上传已完成 ${percent}%。`,
  announceDone: (name) => `${name} 已上传。`,
  announceError: (name, message) => `${name} 上传失败：${message}`,
  announceRejected: (name, reason) => `${name} 未添加：${reason}`,
  announceComplete: (succeeded, failed) =>
    failed ? `上传结束：成功 ${succeeded} 个，失败 ${failed} 个。` : `上传结束：成功 ${succeeded} 个。`,
};

const tables: Record<Locale, Strings> = {en, 'zh-CN': zhCN};

/** Any Chinese tag (zh, zh-CN, zh-Hans, even zh-TW until it has its own table) gets Simplified Chinese; the rest English. */
export function resolveLocale(lang: string | null | undefined): Locale {
  return lang && /^zh\b/i.test(lang.trim()) ? 'zh-CN' : 'en';
}

export function strings(locale: Locale): Strings {
  return tables[locale];
}

export const locales: readonly Locale[] = ['en', 'zh-CN'];

/** Bytes in binary units, as file managers show them. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(t: Strings, seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return t.seconds(s);
  if (s < 3600) return t.minutes(Math.floor(s / 60), s % 60);
  return t.hours(Math.floor(s / 3600), Math.floor((s % 3600) / 60));
}
