/**
 * The demo tenant's IVR, as a tenant would write it: welcome, opening hours with a closed message and
 * voicemail, a main menu in English and Mandarin (1 sales, 2 support, 3 order status via a data lookup,
 * 0 operator; 9 and 8 switch the language), and hang-up. `npm start` publishes it for the demo number.
 */
import type { FlowDocument } from '../../../layers/domain/flows/flow-document.ts';

const en = 'en-US';
const zh = 'cmn-CN';
const always: [string, string][] = [['00:00', '24:00']];
const say = (english: string, mandarin: string) => ({ say: { [en]: english, [zh]: mandarin } });

export const DEMO_ORDERS: Readonly<Record<string, { status: string; detail: string }>> = {
  '12345': { status: 'shipped', detail: 'It will arrive on Friday.' },
  '23456': { status: 'being packed', detail: 'It leaves our warehouse tomorrow.' },
  '34567': { status: 'delivered', detail: 'It was left at the front door.' },
};

export function demoFlow(options: { orderServiceUrl: string; operatorNumber: string }): FlowDocument {
  return {
    schemaVersion: 1,
    name: 'Openline demo shop',
    languages: [en, zh],
    voices: { [en]: 'Joanna', [zh]: 'Zhiyu' },
    start: 'welcome',
    nodes: {
      welcome: {
        type: 'play',
        prompt: say('Welcome to the Openline demo shop.', '欢迎致电Openline演示商店。'),
        next: 'hours',
      },
      hours: {
        type: 'hours',
        timezone: 'America/Los_Angeles',
        // Open around the clock except on holidays, so the demo answers whenever someone tries it.
        weekly: { mon: always, tue: always, wed: always, thu: always, fri: always, sat: always, sun: always },
        holidays: ['2026-12-25', '2027-01-01', '2027-12-25'],
        open: 'main',
        closed: 'closed',
      },
      main: {
        type: 'menu',
        prompt: say(
          'For sales, press 1. For support, press 2. For the status of an order, press 3. To speak with an operator, press 0. 如需中文服务，请按9。',
          '销售请按1。技术支持请按2。查询订单状态请按3。人工服务请按0。For English, press 8.',
        ),
        options: {
          '1': 'sales',
          '2': 'support',
          '3': 'orderNumber',
          '0': 'operator',
          '9': 'mandarin',
          '8': 'english',
        },
        timeoutSeconds: 5,
        attempts: 3,
        invalidPrompt: say('Sorry, that is not one of the choices.', '对不起，没有这个选项。'),
        timeoutPrompt: say('Sorry, I did not hear a choice.', '对不起，我没有听到您的选择。'),
        exhausted: 'operator',
      },
      mandarin: { type: 'setLanguage', language: zh, next: 'main' },
      english: { type: 'setLanguage', language: en, next: 'main' },
      sales: {
        type: 'enqueue',
        queue: 'sales',
        priority: 0,
        skills: {},
        prompt: say('Thank you. Connecting you to sales.', '谢谢。正在为您转接销售部门。'),
      },
      support: {
        type: 'enqueue',
        queue: 'support',
        priority: 0,
        skills: {},
        prompt: say('Thank you. Connecting you to support.', '谢谢。正在为您转接技术支持。'),
      },
      orderNumber: {
        type: 'collect',
        prompt: say(
          'Please enter your five digit order number, then press the pound key.',
          '请输入您的五位订单号码，然后按井号键。',
        ),
        attribute: 'orderNumber',
        minDigits: 5,
        maxDigits: 5,
        pattern: '^\\d{5}$',
        terminator: '#',
        timeoutSeconds: 8,
        attempts: 3,
        invalidPrompt: say('That is not a five digit order number.', '这不是五位订单号码。'),
        timeoutPrompt: say('Sorry, I did not hear an order number.', '对不起，我没有听到订单号码。'),
        sensitive: false,
        next: 'orderLookup',
        exhausted: 'support',
      },
      orderLookup: {
        type: 'lookup',
        url: `${options.orderServiceUrl.replace(/\/+$/, '')}/orders/{{orderNumber}}`,
        method: 'GET',
        send: [],
        timeoutMs: 1500,
        resultPrefix: 'order',
        next: 'orderStatus',
        fallback: 'lookupFailed',
      },
      orderStatus: {
        type: 'play',
        prompt: say(
          'Order {{orderNumber}} is {{order.status}}. {{order.detail}}',
          '订单{{orderNumber}}的状态：{{order.status}}。{{order.detail}}',
        ),
        next: 'afterOrder',
      },
      afterOrder: {
        type: 'menu',
        prompt: say(
          'To speak with support, press 1. To hear the main menu again, press 2.',
          '技术支持请按1。返回主菜单请按2。',
        ),
        options: { '1': 'support', '2': 'main' },
        timeoutSeconds: 5,
        attempts: 1,
        exhausted: 'goodbye',
      },
      lookupFailed: {
        type: 'play',
        prompt: say('Sorry, we could not find that order right now.', '对不起，我们暂时无法查到这个订单。'),
        next: 'support',
      },
      operator: {
        type: 'transfer',
        number: options.operatorNumber,
        callerId: 'tenant',
        timeoutSeconds: 20,
        prompt: say('Please hold while I connect you to the operator.', '请稍候，正在为您转接人工服务。'),
        failed: 'noOperator',
      },
      noOperator: {
        type: 'voicemail',
        prompt: say(
          'The operator is not available. Please leave a message after the tone.',
          '人工服务暂时无人接听。请在提示音后留言。',
        ),
        maxSeconds: 120,
        next: 'goodbye',
      },
      closed: {
        type: 'voicemail',
        prompt: say(
          'We are closed today. Please leave a message after the tone and we will call you back.',
          '我们今天休息。请在提示音后留言，我们会给您回电。',
        ),
        maxSeconds: 120,
        next: 'goodbye',
      },
      goodbye: {
        type: 'hangup',
        prompt: say('Thank you for calling. Goodbye.', '感谢您的来电，再见。'),
      },
    },
  };
}
