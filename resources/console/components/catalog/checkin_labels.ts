/* The check-in API's codes in the console's words (中文 first, English after). */
export const CHECKIN_RESULTS: Record<string, string> = {
  admitted: '已入园 Admitted',
  exited: '已出园 Exited',
  already_used: '已使用 Already used',
  wrong_day: '非当日 Wrong day',
  not_yet_open: '未到入园时间 Not yet open',
  closed: '已过入园时间 Closed',
  refunded: '已退票 Refunded',
  changed: '已改签 Changed',
  not_valid: '无效票 Not valid',
  wrong_venue: '非本场馆 Wrong venue',
  party_exceeded: '人数超出 Party exceeded',
  not_inside: '未入园 Not inside',
  pass_not_active: '年卡未激活 Pass not active',
  pass_expired: '年卡已过期 Pass expired',
  pass_suspended: '年卡已冻结 Pass suspended',
  pass_revoked: '年卡已作废 Pass revoked',
  unknown: '无法识别 Unknown',
}

export const CHECKIN_METHODS: Record<string, string> = {
  qr: '二维码 QR',
  id_card: '身份证 ID card',
  face: '人脸 Face',
  manual: '人工 Manual',
}

export const DEVICE_KINDS: Record<string, string> = {
  gate: '闸机 Gate',
  scanner: '手持机 Scanner',
  face_gate: '人脸闸机 Face gate',
}
