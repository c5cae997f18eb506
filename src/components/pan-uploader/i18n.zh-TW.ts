/** The element's Traditional Chinese strings (Taiwan usage): their own chunk, loaded only when an element speaks it. */
import type {AsIsReason, ImageNote, Renamed} from '../../image/note.ts';
import {formatBytes} from '../../shared/format-bytes.ts';
import type {Strings} from './i18n.ts';

function why(reason: AsIsReason): string {
  if (reason.key === 'not-image') return '其內容不是本上傳元件能讀取的圖片';
  if (reason.key === 'too-many-pixels') return `${reason.size} 超過了此瀏覽器可解碼的 ${reason.megapixels} 百萬像素`;
  if (reason.key === 'undecodable') return `無法作為圖片讀取：${reason.detail}`;
  return `此瀏覽器無法處理圖片（${reason.detail}）`;
}

const renamed = (r?: Renamed) => (r ? `（其內容為 ${r.format}，因此以 ${r.name} 傳送）` : '');

/** The image step's notes (see image/note.ts); the browser's own words (`detail`) stay as they are. */
function imageNote(note: ImageNote): string {
  const moved = 'from' in note ? ` · ${formatBytes(note.from)} → ${formatBytes(note.to)}` : '';
  if (note.kind === 'optimized') return `已最佳化${moved}`;
  if (note.kind === 'converted') return `已轉換為 ${note.format}${moved}`;
  if (note.kind === 'kept') return `${note.locationRemoved ? '保留原圖（重新編碼不會更小），已移除位置資訊' : '保留原圖：重新編碼不會更小'}${renamed(note.renamed)}`;
  if (note.kind === 'as-is') return `按原樣傳送：${why(note.why)}${renamed(note.renamed)}`;
  const over = `${formatBytes(note.size)} 超過圖床 ${formatBytes(note.limit)} 的上限`;
  if (!note.why) return `${over}，壓縮後仍是如此`;
  return `${why(note.why)}${renamed(note.renamed)}${note.problem === 'heic' ? '，而圖床不接受 HEIC' : `，且 ${over}`}`;
}

export const zhTW: Strings = {
  dropTitle: '將檔案拖放到這裡',
  dropHint: '也可以貼上，或從裝置中選擇',
  dropHintImage: '僅限圖片：PNG、JPEG、GIF、WebP、SVG、BMP、TIFF，每張不超過 100 MB',
  dropActive: '放開即可加入檔案',
  chooseFiles: '選擇檔案',
  chooseFolder: '選擇資料夾',
  takePhoto: '拍照',
  recordVideo: '錄影',
  empty: '還沒有檔案',
  fileList: '待上傳的檔案',
  rejectedList: '未加入的檔案',
  overall: '整體進度',
  upload: '上傳',
  pauseAll: '全部暫停',
  resumeAll: '全部繼續',
  clear: '清除清單',
  pause: '暫停',
  resume: '繼續',
  cancel: '取消',
  retry: '重試',
  remove: '移除',
  dismiss: '關閉',
  copyLink: '複製連結',
  copied: '連結已複製',
  copyFailed: '無法複製連結',
  openLink: '開啟',
  instant: '秒傳：123雲盤中已有此檔案',
  resumed: '已從上次中斷處繼續',
  rejected: '未加入',
  importLabel: '或從網址匯入圖片',
  importButton: '匯入',
  importing: '123雲盤下載中',
  importFrom: (host) => `來自 ${host}`,
  status: {
    queued: '等待中',
    preparing: '正在處理檔案',
    hashing: '正在驗證檔案',
    creating: '準備中',
    uploading: '上傳中',
    completing: '正在確認',
    done: '已上傳',
    error: '失敗',
    paused: '已暫停',
    canceled: '已取消',
  },
  reject: {
    'name-empty': '檔案沒有名稱。',
    'name-too-long': '檔名超過 255 個字元。',
    'name-forbidden-char': '檔名包含 " \\ / : * ? | > < 中的字元。',
    'name-only-spaces': '檔名只有空格。',
    'too-large': '檔案超過此處允許的大小。',
    'target-too-large': '檔案超過 123雲盤對此位置的大小限制。',
    'not-accepted': '此處不接受這種類型的檔案。',
    'not-image': '圖床只接受 PNG、GIF、JPEG、TIFF、WebP、SVG 和 BMP 圖片。',
    'too-many-files': '檔案過多：已達數量上限。',
    'already-queued': '此檔案已在清單中。',
    'bad-url': '請貼上以 http:// 或 https:// 開頭的網址。',
    hook: '此頁面拒絕了這個檔案。',
  },
  error: {
    network: '網路連線失敗。',
    timeout: '伺服器回應逾時。',
    auth: '未登入 123雲盤，或存取遭拒。',
    'token-limit': '123雲盤帳號的有效存取權杖過多。',
    'rate-limited': '123雲盤請求過於頻繁，請稍後再試。',
    'traffic-limit': '123雲盤帳號的流量已用盡。',
    server: '123雲盤內部錯誤。',
    'not-found': '檔案或資料夾在 123雲盤上已不存在。',
    'verify-timeout': '123雲盤未能及時完成檔案驗證。',
    'etag-mismatch': '上傳的內容與檔案不一致：檔案可能在上傳期間被修改。',
    'mixed-content': '上傳伺服器使用不安全的 HTTP，安全頁面無法存取。',
    'cors-refused': '123雲盤不允許此頁面直接存取。網站需要透過自己的伺服器上傳（代理模式）。',
    'hash-failed': '無法讀取檔案以計算驗證值。',
    refused: '123雲盤拒絕了這次上傳。',
    'url-failed': '123雲盤無法從此網址下載圖片：網址可能無法存取、不是圖片，或超過 100 MB。',
    hook: '此頁面拒絕了這個檔案。',
    'content-review': '此檔案未通過 123雲盤的內容審查：檔案已儲存，但無法分享或下載。',
    unknown: '發生未知錯誤。',
  },
  imageNote,
  traceID: '追蹤 ID',
  valueMissing: '請至少上傳一個檔案。',
  uploadsRunning: '請等待上傳完成。',
  countDone: (done, total) => `已上傳 ${done} / ${total}`,
  failedCount: (n) => `${n} 個失敗`,
  speed: (perSecond) => `${perSecond}/秒`,
  eta: (time) => `剩餘 ${time}`,
  seconds: (s) => `${s} 秒`,
  minutes: (m, s) => `${m} 分 ${s} 秒`,
  hours: (h, m) => `${h} 小時 ${m} 分`,
  progressOf: (name) => `${name} 的進度`,
  actionOn: (action, name) => `${action}：${name}`,
  announceAdded: (n) => `已加入 ${n} 個檔案。`,
  announceStart: (n) => `正在上傳 ${n} 個檔案。`,
  announceMilestone: (percent) => `上傳已完成 ${percent}%。`,
  announceDone: (name) => `${name} 已上傳。`,
  announceError: (name, message) => `${name} 上傳失敗：${message}`,
  announceRejected: (name, reason) => `${name} 未加入：${reason}`,
  announceComplete: (succeeded, failed) =>
    failed ? `上傳結束：成功 ${succeeded} 個，失敗 ${failed} 個。` : `上傳結束：成功 ${succeeded} 個。`,
  notFound: '123雲盤上找不到此檔案',
  rename: '重新命名',
  renameLabel: (name) => `${name} 的新名稱`,
  moveLabel: (name) => `移動：${name}`,
  moveHint: '用方向鍵在清單中上下移動檔案。',
  announceMoved: (name, position, total) => `${name} 已移到第 ${position} 位，共 ${total} 個。`,
  announceResumed: (n) => `${n} 個檔案從中斷處繼續上傳。`,
};
