/** The element's Simplified Chinese strings: their own chunk, loaded only when an element speaks Chinese. */
import type {AsIsReason, ImageNote, Renamed} from '../../image/note.ts';
import {formatBytes} from '../../shared/format-bytes.ts';
import type {Strings} from './i18n.ts';

function why(reason: AsIsReason): string {
  if (reason.key === 'not-image') return '其内容不是本上传组件能读取的图片';
  if (reason.key === 'too-many-pixels') return `${reason.size} 超过了此浏览器可解码的 ${reason.megapixels} 百万像素`;
  if (reason.key === 'undecodable') return `无法作为图片读取：${reason.detail}`;
  return `此浏览器无法处理图片（${reason.detail}）`;
}

const renamed = (r?: Renamed) => (r ? `（其内容为 ${r.format}，因此以 ${r.name} 发送）` : '');

/** The image step's notes (see image/note.ts); the browser's own words (`detail`) stay as they are. */
function imageNote(note: ImageNote): string {
  const moved = 'from' in note ? ` · ${formatBytes(note.from)} → ${formatBytes(note.to)}` : '';
  if (note.kind === 'optimized') return `已优化${moved}`;
  if (note.kind === 'converted') return `已转换为 ${note.format}${moved}`;
  if (note.kind === 'kept') return `${note.locationRemoved ? '保留原图（重新编码不会更小），已移除位置信息' : '保留原图：重新编码不会更小'}${renamed(note.renamed)}`;
  if (note.kind === 'as-is') return `按原样发送：${why(note.why)}${renamed(note.renamed)}`;
  const over = `${formatBytes(note.size)} 超过图床 ${formatBytes(note.limit)} 的上限`;
  if (!note.why) return `${over}，压缩后仍是如此`;
  return `${why(note.why)}${renamed(note.renamed)}${note.problem === 'heic' ? '，而图床不接受 HEIC' : `，且 ${over}`}`;
}

export const zhCN: Strings = {
  dropTitle: '将文件拖放到这里',
  dropHint: '也可以粘贴，或从设备中选择',
  dropHintImage: '仅限图片：PNG、JPEG、GIF、WebP、SVG、BMP、TIFF，每张不超过 100 MB',
  dropActive: '松开即可添加文件',
  chooseFiles: '选择文件',
  chooseFolder: '选择文件夹',
  takePhoto: '拍照',
  recordVideo: '录像',
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
    preparing: '正在处理文件',
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
    hook: '此页面拒绝了该文件。',
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
    'cors-refused': '123云盘不允许此页面直接访问。网站需要通过自己的服务器上传（代理模式）。',
    'hash-failed': '无法读取文件以计算校验值。',
    refused: '123云盘拒绝了此次上传。',
    'url-failed': '123云盘无法从此网址下载图片：网址可能无法访问、不是图片，或超过 100 MB。',
    hook: '此页面拒绝了该文件。',
    'content-review': '此文件未通过 123云盘的内容审核：文件已存储，但无法分享或下载。',
    unknown: '出现了未知错误。',
  },
  imageNote,
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
  notFound: '123云盘上找不到此文件',
  rename: '重命名',
  renameLabel: (name) => `${name} 的新名称`,
  moveLabel: (name) => `移动：${name}`,
  moveHint: '用方向键在列表中上下移动文件。',
  announceMoved: (name, position, total) => `${name} 已移到第 ${position} 位，共 ${total} 个。`,
  announceResumed: (n) => `${n} 个文件从中断处继续上传。`,
};
