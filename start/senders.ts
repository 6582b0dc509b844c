/*
 * The outbox's senders of messages that leave the machine (channels without one stay local:
 * the outbox row is the message). WeChat template messages go through the venue's official account.
 */
import { useSender } from '#messaging/services/outbox'
import { wechatTemplateSender } from '#wechat/services/template_messages'

useSender('wechat_template', wechatTemplateSender)
