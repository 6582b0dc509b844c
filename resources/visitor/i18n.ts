/*
 * The H5 pages' words: Chinese by default, English on request (remembered in this browser).
 * A small dictionary of our own; Vant's own words (calendar, dialogs) follow through its Locale.
 * The English words (i18n_en.ts) load only for those who chose English, as Vant's do.
 */
import { ref } from 'vue'
import { Locale } from 'vant'

export type LocaleName = 'zh-CN' | 'en-US'

const zh = {
  home: '首页', orders: '订单', account: '我的', loading: '加载中…', retry: '重试', back: '返回',
  offline: '网络已断开，恢复后将自动重试', offlineShort: '离线', closed: '暂停营业', closedText: '场馆暂停营业，暂不接受预订。请稍后再来。',
  notice: '公告', hours: '开放时间', address: '地址', map: '地图导航', phone: '咨询电话', intro: '场馆介绍',
  tickets: '门票', from: '起', soldOut: '售罄', fewLeft: '余票紧张', free: '免费', book: '预订', reserve: '预约', noProducts: '暂无在售门票',
  voucher: '券码', voucherPlaceholder: '有券码？输入后可购买专享门票', voucherApply: '使用', voucherFor: '凭券专享', voucherAllProducts: '可用于全部门票',
  chooseDate: '选择日期', chooseSession: '选择场次', left: '余', chooseSeats: '选座', bestAvailable: '系统选座', seatsChosen: '已选座位',
  legendAvailable: '可选', legendTaken: '已售', legendChosen: '已选', zoomIn: '放大', zoomOut: '缩小', stage: '舞台',
  quantity: '数量', ticketTypes: '票种', holders: '出行人', holder: '出行人', name: '姓名', idNumber: '身份证号',
  pickSaved: '选择常用游客', typeInstead: '手动填写', idInvalid: '身份证号有误（校验位不符）', nameRequired: '请填写姓名',
  contact: '联系人', contactPhone: '手机号', phoneInvalid: '请输入 11 位手机号', contactName: '联系人姓名（选填）',
  rules: '退改规则', refundFree: '开始前可免费退票', refundTier: '开始前 {hours} 小时以上退票，收取 {percent}% 手续费', refundClosed: '开始后不可退', refundLate: '开始前 {hours} 小时内不可退', notRefundable: '不可退票',
  changeable: '可改签至同产品其他场次', notChangeable: '不可改签', realName: '实名制：每张票需一位出行人',
  coupon: '优惠码', couponPlaceholder: '有优惠码？（选填）', total: '合计', submit: '提交订单', submitFree: '立即预约',
  quoteTitle: '费用明细', quoteMemberPrice: '含会员价', quoteSubtotal: '小计', quoteCoupon: '优惠券', quotePoints: '积分', quoteTotal: '应付',
  soldOutNow: '余票不足，请更换场次或数量', pickSession: '请选择场次', pickSeats: '请在座位图上选座或使用系统选座',
  pay: '支付', payTitle: '支付订单', payIn: '请在 {time} 内完成支付', expired: '订单已过期', expiredText: '支付超时，名额已释放。', buyAgain: '重新购买',
  wechat_pay: '微信支付', alipay: '支付宝', unionpay: '银联云闪付', payNow: '立即支付', noChannels: '场馆暂未开通在线支付',
  waiting: '正在确认支付结果…', paid: '支付成功', paidText: '电子票已出，请在入园时出示二维码。', viewTickets: '查看电子票',
  payFailed: '支付未完成', payFailedText: '支付失败或已取消，可重新支付或更换支付方式。', payAgain: '重新支付', otherChannel: '更换支付方式',
  cancelOrder: '取消订单', cancelled: '已取消', confirmCancel: '确定取消该订单？',
  myOrders: '我的订单', noOrders: '还没有订单', orderNo: '订单号', status: '状态', timeline: '订单进度', ticketsTitle: '电子票',
  showAtGate: '入园时出示二维码', offlineReady: '已保存，离线也可出示', seat: '座位', seatName: '{row}排{label}号',
  refund: '退票', refundQuote: '退款 {amount}（手续费 {fee}）', confirmRefund: '确认退票', refundRequested: '退票申请已提交',
  change: '改签', changeTo: '改签到', difference: '差价', confirmChange: '确认改签', changeDone: '改签成功', changeRequested: '改签申请已提交，等待场馆审核',
  changePay: '需补差价 {amount}', changeRefund: '差价 {amount} 将原路退回', changeSamePrice: '无差价', changeDifference: '改签差价', changePaid: '改签成功',
  changeLapsed: '改签已失效', changeLapsedText: '补差价超时，新场次的名额已释放，原票仍然有效。可重新申请改签。',
  refund_requested: '待审核', refund_processing: '退款中', refund_succeeded: '已到账', refund_failed: '退款失败', refund_abnormal: '退款异常', refund_rejected: '已拒绝',
  signIn: '登录', signOut: '退出登录', wechatSignIn: '微信授权登录', phoneSignIn: '手机验证码登录', sendCode: '获取验证码', resend: '{s} 秒后重发', code: '验证码',
  codeSent: '验证码已发送', signedInAs: '已登录', frequentVisitors: '常用游客', add: '添加', save: '保存', remove: '删除', noHolders: '还没有常用游客',
  language: 'English', confirm: '确定', cancel: '取消', close: '关闭', error: '出错了', notFound: '页面不存在',
  order_pending_payment: '待支付', order_issued: '已出票', order_partially_used: '部分使用', order_used: '已使用', order_refunding: '退款中',
  order_partially_refunded: '部分退款', order_refunded: '已退款', order_cancelled: '已取消', order_expired: '已过期',
  ticket_valid: '可入园', ticket_used: '已使用', ticket_refunding: '退款中', ticket_refunded: '已退款', ticket_changed: '已改签', ticket_void: '已作废', ticket_pending: '待支付',
  event_placed: '下单', event_payment_started: '发起支付', event_paid: '支付成功', event_issued: '出票', event_expired: '超时关闭', event_cancelled: '取消',
  event_refund_requested: '申请退票', event_refund_approved: '退票已受理', event_refund_succeeded: '退款到账', event_refund_rejected: '退票被拒', event_refund_failed: '退款失败',
  event_change_requested: '申请改签', event_change_awaiting_payment: '待补差价', event_changed: '改签完成', event_refund_abnormal: '退款异常', event_refund_retried: '重新退款', event_ticket_reissued: '重新出票', event_change_rejected: '改签被拒', event_status_changed: '状态更新', event_payment_returned: '支付返回',
  memberCard: '会员卡', joined: '已加入会员', tierDiscount: '门票享 {rate} 折', tierEarn: '每消费 {amount} 积 {points} 分', tierPriority: '提前 {hours} 小时优先购票',
  tierValidity: '有效期 {days} 天', noEnd: '长期有效', validUntil: '有效期至 {date}', member_active: '有效', member_expired: '已过期', member_cancelled: '已取消',
  points: '积分', pointsRule: '积分规则', pointsRuleText: '{points} 积分抵 {amount}，最多抵订单金额的 {percent}%', pointsLedger: '积分明细', noMovements: '暂无积分记录',
  points_earned: '消费获得', points_redeemed: '下单抵扣', points_redeem_returned: '抵扣退回', points_earn_reversed: '退款扣回', points_adjusted: '场馆调整',
  joinTitle: '加入会员', noTiers: '场馆暂未开放会员', joinFree: '免费加入', buyTier: '购买 {amount}',
  myPasses: '我的年卡', noPasses: '还没有年卡', pass_pending_activation: '待激活', pass_active: '有效', pass_expired: '已过期', pass_suspended: '已暂停', pass_revoked: '已作废',
  validThrough: '有效期至', activateBy: '激活截止', entriesLeft: '剩余次数', unlimited: '不限', entriesUsed: '已入园次数', startsAtFirstEntry: '首次入园时自动激活',
  startsWhenActivated: '激活后开始计算有效期', renewal: '续卡', activate: '立即激活', activateConfirm: '激活后立即开始计算有效期，确定激活？', activated: '已激活', renewFor: '续卡 {amount}',
  usePoints: '积分抵扣', pointsAvailable: '可用 {balance} 积分', pointsEstimate: '预计抵扣 {amount}（使用 {points} 积分），以订单金额为准', discounted: '已优惠 {amount}',
  paidNoTickets: '支付成功，已记入您的账户。', backToAccount: '返回我的',
  emailSignIn: '邮箱登录', email: '邮箱', password: '密码', register: '注册新账号', haveAccount: '已有账号？登录', noAccount: '没有账号？注册',
  emailInvalid: '请输入正确的邮箱', passwordRule: '密码至少 10 位，包含字母和数字',
}

export type Words = typeof zh

export type WordKey = keyof Words

const KEY = 'tessera.visitor.locale'
const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem(KEY)
export const locale = ref<LocaleName>(stored === 'en-US' ? 'en-US' : 'zh-CN')

/** The word for `key`, `{name}` placeholders filled; an unknown key (a new status) shows as itself. */
let en: Words | null = null

export function t(key: WordKey | string, values: Record<string, string | number> = {}): string {
  const words: Record<string, string> = locale.value === 'en-US' && en ? en : zh
  return (words[key] ?? key).replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''))
}

async function applyVantLocale(name: LocaleName) {
  if (name === 'en-US') {
    const [vant, words] = await Promise.all([import('vant/es/locale/lang/en-US'), import('./i18n_en')])
    en = words.en
    Locale.use('en-US', vant.default)
  } else Locale.use('zh-CN', (await import('vant/es/locale/lang/zh-CN')).default)
  document.documentElement.lang = name === 'en-US' ? 'en' : 'zh-CN'
}

export async function setLocale(name: LocaleName) {
  localStorage.setItem(KEY, name)
  await applyVantLocale(name)
  locale.value = name
}

/** At start: Vant and the pages speak Chinese by themselves; English is loaded only for those who chose it. */
export async function initLocale() {
  if (locale.value === 'en-US') await applyVantLocale('en-US')
}
