/**
 * The account state behind the local Chime SDK Voice API: phone numbers and their orders, SIP media
 * applications (per region) and SIP rules (account-wide), with the validation of spec §5.3–5.4. Reads
 * and writes take and return the API's own shapes; the SMA engine reads it as its ChimeDirectory.
 */
import { randomUUID } from 'node:crypto';
import { NumberInventory, type NumberSearch, type NumberSearchResult } from './number-inventory.ts';
import { badRequest, conflict, isoTimestamp, notFound, type Page, pageSize, paginate } from './rest-json.ts';
import type { ChimeDirectory, InboundTarget, SipMediaApplicationRef } from './telephony-ports.ts';

export const PRODUCT_TYPES = ['VoiceConnector', 'SipMediaApplicationDialIn'] as const;
export type ProductType = (typeof PRODUCT_TYPES)[number];

export const PHONE_NUMBER_STATUSES: readonly string[] = [
  'Cancelled',
  'PortinCancelRequested',
  'PortinInProgress',
  'AcquireInProgress',
  'AcquireFailed',
  'Unassigned',
  'Assigned',
  'ReleaseInProgress',
  'DeleteInProgress',
  'ReleaseFailed',
  'DeleteFailed',
];

const ASSOCIATION_NAMES: readonly string[] = ['VoiceConnectorId', 'VoiceConnectorGroupId', 'SipRuleId'];

/** Regions with the Chime SDK Voice API and SIP media applications (spec §6). */
export const VOICE_REGIONS: readonly string[] = [
  'us-east-1',
  'us-west-2',
  'ca-central-1',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-southeast-2',
];

// ------------------------------------------------------------------------------------------ wire shapes

export interface PhoneNumberAssociation {
  readonly Value: string;
  readonly Name: 'SipRuleId';
  readonly AssociatedTimestamp: string;
}

export interface PhoneNumber {
  readonly PhoneNumberId: string;
  readonly E164PhoneNumber: string;
  readonly PhoneNumberArn: string;
  readonly Country: string;
  readonly Type: 'Local' | 'TollFree';
  readonly ProductType: ProductType;
  readonly Status: 'Unassigned' | 'Assigned' | 'DeleteInProgress';
  readonly Capabilities: {
    readonly InboundCall: boolean;
    readonly OutboundCall: boolean;
    readonly InboundSMS: boolean;
    readonly OutboundSMS: boolean;
    readonly InboundMMS: boolean;
    readonly OutboundMMS: boolean;
  };
  readonly Associations: PhoneNumberAssociation[];
  readonly CallingNameStatus: 'Unassigned';
  readonly CreatedTimestamp: string;
  readonly UpdatedTimestamp: string;
  readonly DeletionTimestamp?: string;
  readonly OrderId: string;
  readonly Name?: string;
}

export type OrderedNumberStatus = 'Processing' | 'Acquired' | 'Failed';
export type OrderStatus = 'Processing' | 'Successful' | 'Partial' | 'Failed';

export interface PhoneNumberOrder {
  readonly PhoneNumberOrderId: string;
  readonly ProductType: ProductType;
  readonly Status: OrderStatus;
  readonly OrderType: 'New';
  readonly OrderedPhoneNumbers: { E164PhoneNumber: string; Status: OrderedNumberStatus }[];
  readonly CreatedTimestamp: string;
  readonly UpdatedTimestamp: string;
}

export interface SipMediaApplication {
  readonly SipMediaApplicationId: string;
  readonly AwsRegion: string;
  readonly Name: string;
  readonly Endpoints: { LambdaArn: string }[];
  readonly CreatedTimestamp: string;
  readonly UpdatedTimestamp: string;
  readonly SipMediaApplicationArn: string;
}

export interface SipRuleTargetApplication {
  readonly SipMediaApplicationId: string;
  readonly Priority: number;
  readonly AwsRegion: string;
}

export type SipRuleTriggerType = 'ToPhoneNumber' | 'RequestUriHostname';

export interface SipRule {
  readonly SipRuleId: string;
  readonly Name: string;
  readonly Disabled: boolean;
  readonly TriggerType: SipRuleTriggerType;
  readonly TriggerValue: string;
  readonly TargetApplications: SipRuleTargetApplication[];
  readonly CreatedTimestamp: string;
  readonly UpdatedTimestamp: string;
}

// ---------------------------------------------------------------------------------------------- inputs

export interface CreatePhoneNumberOrderInput {
  readonly ProductType: string;
  readonly E164PhoneNumbers: readonly string[];
  readonly Name?: string;
}

export interface ListPhoneNumbersQuery {
  readonly status?: string;
  readonly productType?: string;
  readonly filterName?: string;
  readonly filterValue?: string;
  readonly maxResults?: number;
  readonly nextToken?: string;
}

export interface PageQuery {
  readonly maxResults?: number;
  readonly nextToken?: string;
}

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export interface CreateSipMediaApplicationInput {
  readonly AwsRegion: string;
  readonly Name: string;
  readonly Endpoints: readonly { LambdaArn: string }[];
  readonly Tags?: readonly Tag[];
}

export interface UpdateSipMediaApplicationInput {
  readonly Name?: string;
  readonly Endpoints?: readonly { LambdaArn: string }[];
}

export interface CreateSipRuleInput {
  readonly Name: string;
  readonly TriggerType: string;
  readonly TriggerValue: string;
  readonly Disabled?: boolean;
  readonly TargetApplications: readonly SipRuleTargetApplication[];
}

export interface UpdateSipRuleInput {
  readonly Name: string;
  readonly Disabled?: boolean;
  readonly TargetApplications?: readonly SipRuleTargetApplication[];
}

export interface VoiceStoreOptions {
  /** The account in ARNs; 000000000000 unless told. */
  readonly accountId?: string;
  /** How long an order stays Processing (default 200 ms). */
  readonly orderCompletionDelayMs?: number;
  readonly inventory?: NumberInventory;
  /** Epoch milliseconds; replaceable so tests can move time. */
  readonly now?: () => number;
}

// --------------------------------------------------------------------------------------------- records

interface NumberRecord {
  readonly e164: string;
  readonly type: 'Local' | 'TollFree';
  readonly productType: ProductType;
  readonly orderId: string;
  readonly name?: string;
  readonly region: string;
  readonly createdAt: number;
  status: 'Unassigned' | 'Assigned' | 'DeleteInProgress';
  association?: { sipRuleId: string; at: number };
  updatedAt: number;
  deletedAt?: number;
}

interface OrderRecord {
  readonly key: string;
  readonly id: string;
  readonly productType: ProductType;
  readonly name?: string;
  readonly region: string;
  readonly createdAt: number;
  readonly completesAt: number;
  /** Every number of the order, and whether the pool could reserve it for this order. */
  readonly numbers: readonly { e164: string; reserved: boolean }[];
  completed: boolean;
  updatedAt: number;
}

interface SmaRecord {
  readonly key: string;
  readonly id: string;
  readonly region: string;
  readonly createdAt: number;
  name: string;
  lambdaArn: string;
  tags: readonly Tag[];
  updatedAt: number;
}

interface RuleRecord {
  readonly key: string;
  readonly id: string;
  readonly triggerType: SipRuleTriggerType;
  readonly triggerValue: string;
  readonly createdAt: number;
  name: string;
  disabled: boolean;
  targets: readonly SipRuleTargetApplication[];
  updatedAt: number;
}

const E164 = /^\+?[1-9]\d{1,14}$/;
const PHONE_NUMBER_NAME = /^$|^[a-zA-Z0-9,._-]+(\s+[a-zA-Z0-9,._-]+)*$/;
// Smithy patterns are searches; the whole name is held to them here (the stricter reading).
const RESOURCE_NAME = /^[a-zA-Z0-9 _.-]{1,256}$/;
const LAMBDA_ARN =
  /^arn:(aws[a-zA-Z-]*)?:lambda:([a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d):\d{12}:function:[a-zA-Z0-9_-]+(:(\$LATEST|[a-zA-Z0-9_-]+))?$/;
const HOSTNAME =
  /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const MAX_LIST_RESULTS = 100;
const MAX_TARGETS = 25;
const MAX_TAGS = 50;
const DELETION_QUEUE_MS = 7 * 24 * 60 * 60 * 1000;
const DEFAULT_ORDER_DELAY_MS = 200;

export class VoiceStore implements ChimeDirectory {
  readonly accountId: string;
  readonly inventory: NumberInventory;
  private readonly orderDelayMs: number;
  private readonly now: () => number;
  private readonly numbers = new Map<string, NumberRecord>();
  private readonly orders = new Map<string, OrderRecord>();
  private readonly smas = new Map<string, SmaRecord>();
  private readonly rules = new Map<string, RuleRecord>();
  /** Creation order, as list keys that sort as strings. */
  private sequence = 0;

  constructor(options: VoiceStoreOptions = {}) {
    this.accountId = options.accountId ?? '000000000000';
    this.inventory = options.inventory ?? new NumberInventory();
    this.orderDelayMs = options.orderCompletionDelayMs ?? DEFAULT_ORDER_DELAY_MS;
    this.now = options.now ?? Date.now;
  }

  // ----------------------------------------------------------------------------------- phone numbers

  searchAvailablePhoneNumbers(query: NumberSearch): NumberSearchResult {
    return this.inventory.search(query);
  }

  createPhoneNumberOrder(region: string, input: CreatePhoneNumberOrderInput): PhoneNumberOrder {
    const productType = checkProductType(input.ProductType, 'ProductType');
    if (input.E164PhoneNumbers.length === 0)
      throw badRequest('E164PhoneNumbers must list at least one number');
    input.E164PhoneNumbers.forEach((e164, i) => {
      if (!E164.test(e164)) throw badRequest(`E164PhoneNumbers[${i}] is not an E.164 number: ${e164}`);
    });
    if (input.Name !== undefined && (input.Name.length > 256 || !PHONE_NUMBER_NAME.test(input.Name)))
      throw badRequest('Name must be at most 256 letters, digits, spaces and , . _ -');
    const now = this.now();
    const order: OrderRecord = {
      key: this.nextKey(),
      id: randomUUID(),
      productType,
      ...(input.Name === undefined ? {} : { name: input.Name }),
      region,
      createdAt: now,
      completesAt: now + this.orderDelayMs,
      // Reserved now, so a second order for the same number fails however the two interleave.
      numbers: input.E164PhoneNumbers.map((e164) => ({ e164, reserved: this.inventory.take(e164) })),
      completed: false,
      updatedAt: now,
    };
    this.orders.set(order.id, order);
    setTimeout(() => this.completeOrder(order), this.orderDelayMs).unref();
    return orderView(order);
  }

  getPhoneNumberOrder(orderId: string): PhoneNumberOrder {
    this.settleDueOrders();
    const order = this.orders.get(orderId);
    if (order === undefined) throw notFound(`Phone number order ${orderId} not found`);
    return orderView(order);
  }

  listPhoneNumberOrders(query: PageQuery): Page<PhoneNumberOrder> {
    this.settleDueOrders();
    const limit = pageSize(query.maxResults, MAX_LIST_RESULTS);
    const page = paginate([...this.orders.values()], (o) => o.key, limit, query.nextToken);
    return withItems(page, page.items.map(orderView));
  }

  getPhoneNumber(phoneNumberId: string): PhoneNumber {
    return this.numberView(this.visibleNumber(phoneNumberId));
  }

  listPhoneNumbers(query: ListPhoneNumbersQuery): Page<PhoneNumber> {
    this.settleDueOrders();
    const matches = this.numberFilter(query);
    const limit = pageSize(query.maxResults, MAX_LIST_RESULTS);
    const sorted = [...this.numbers.values()]
      .filter((n) => this.isVisible(n) && matches(n))
      .sort((a, b) => (a.e164 < b.e164 ? -1 : 1));
    const page = paginate(sorted, (n) => n.e164, limit, query.nextToken);
    return withItems(
      page,
      page.items.map((n) => this.numberView(n)),
    );
  }

  /** Moves the number to the deletion queue; a number a SIP rule uses must be freed first. */
  deletePhoneNumber(phoneNumberId: string): void {
    const number = this.visibleNumber(phoneNumberId);
    if (number.status === 'DeleteInProgress')
      throw notFound(`Phone number ${phoneNumberId} is already being deleted`);
    if (number.association !== undefined)
      throw conflict(
        `Phone number ${phoneNumberId} is associated with SIP rule ${number.association.sipRuleId}`,
        'PhoneNumberAssociationsExist',
      );
    const now = this.now();
    number.status = 'DeleteInProgress';
    number.deletedAt = now;
    number.updatedAt = now;
  }

  // ------------------------------------------------------------------------- SIP media applications

  createSipMediaApplication(region: string, input: CreateSipMediaApplicationInput): SipMediaApplication {
    if (input.AwsRegion !== region)
      throw badRequest(`AwsRegion ${input.AwsRegion} does not match the endpoint's region ${region}`);
    if (!VOICE_REGIONS.includes(region))
      throw badRequest(`AwsRegion ${region} has no SIP media applications`);
    checkResourceName(input.Name);
    const lambdaArn = checkEndpoints(input.Endpoints, region);
    const tags = checkTags(input.Tags);
    const now = this.now();
    const sma: SmaRecord = {
      key: this.nextKey(),
      id: randomUUID(),
      region,
      createdAt: now,
      name: input.Name,
      lambdaArn,
      tags,
      updatedAt: now,
    };
    this.smas.set(sma.id, sma);
    return this.smaView(sma);
  }

  getSipMediaApplication(region: string, id: string): SipMediaApplication {
    return this.smaView(this.requireSma(region, id));
  }

  listSipMediaApplications(region: string, query: PageQuery): Page<SipMediaApplication> {
    const limit = pageSize(query.maxResults, MAX_LIST_RESULTS);
    const inRegion = [...this.smas.values()].filter((s) => s.region === region);
    const page = paginate(inRegion, (s) => s.key, limit, query.nextToken);
    return withItems(
      page,
      page.items.map((s) => this.smaView(s)),
    );
  }

  updateSipMediaApplication(
    region: string,
    id: string,
    input: UpdateSipMediaApplicationInput,
  ): SipMediaApplication {
    const sma = this.requireSma(region, id);
    if (input.Name !== undefined) checkResourceName(input.Name);
    const lambdaArn = input.Endpoints === undefined ? sma.lambdaArn : checkEndpoints(input.Endpoints, region);
    if (input.Name !== undefined) sma.name = input.Name;
    sma.lambdaArn = lambdaArn;
    sma.updatedAt = this.now();
    return this.smaView(sma);
  }

  deleteSipMediaApplication(region: string, id: string): void {
    const sma = this.requireSma(region, id);
    const user = [...this.rules.values()].find((r) => r.targets.some((t) => t.SipMediaApplicationId === id));
    if (user !== undefined)
      throw conflict(
        `SIP media application ${id} is a target of SIP rule ${user.id}; update that rule first`,
      );
    this.smas.delete(sma.id);
  }

  // --------------------------------------------------------------------------------------- SIP rules

  createSipRule(input: CreateSipRuleInput): SipRule {
    checkResourceName(input.Name);
    const triggerType = checkTriggerType(input.TriggerType);
    const triggerNumber = triggerType === 'ToPhoneNumber' ? this.dialInNumber(input.TriggerValue) : undefined;
    if (triggerType === 'RequestUriHostname' && !HOSTNAME.test(input.TriggerValue))
      throw badRequest(`TriggerValue must be a host name for RequestUriHostname: ${input.TriggerValue}`);
    const clash = [...this.rules.values()].find(
      (r) => r.triggerType === triggerType && r.triggerValue === input.TriggerValue,
    );
    if (clash !== undefined)
      throw conflict(`SIP rule ${clash.id} already has the trigger ${triggerType} ${input.TriggerValue}`);
    const targets = this.checkTargets(input.TargetApplications);
    const now = this.now();
    const rule: RuleRecord = {
      key: this.nextKey(),
      id: randomUUID(),
      triggerType,
      triggerValue: input.TriggerValue,
      createdAt: now,
      name: input.Name,
      disabled: input.Disabled ?? false,
      targets,
      updatedAt: now,
    };
    this.rules.set(rule.id, rule);
    if (triggerNumber !== undefined) {
      triggerNumber.status = 'Assigned';
      triggerNumber.association = { sipRuleId: rule.id, at: now };
      triggerNumber.updatedAt = now;
    }
    return ruleView(rule);
  }

  getSipRule(id: string): SipRule {
    return ruleView(this.requireRule(id));
  }

  listSipRules(query: PageQuery & { sipMediaApplicationId?: string }): Page<SipRule> {
    const limit = pageSize(query.maxResults, MAX_LIST_RESULTS);
    const smaId = query.sipMediaApplicationId;
    const matching = [...this.rules.values()].filter(
      (r) => smaId === undefined || r.targets.some((t) => t.SipMediaApplicationId === smaId),
    );
    const page = paginate(matching, (r) => r.key, limit, query.nextToken);
    return withItems(page, page.items.map(ruleView));
  }

  updateSipRule(id: string, input: UpdateSipRuleInput): SipRule {
    const rule = this.requireRule(id);
    checkResourceName(input.Name);
    const targets =
      input.TargetApplications === undefined ? rule.targets : this.checkTargets(input.TargetApplications);
    rule.name = input.Name;
    rule.disabled = input.Disabled ?? rule.disabled;
    rule.targets = targets;
    rule.updatedAt = this.now();
    return ruleView(rule);
  }

  /** Only a disabled rule can go; its number becomes Unassigned again. */
  deleteSipRule(id: string): void {
    const rule = this.requireRule(id);
    if (!rule.disabled) throw conflict(`SIP rule ${id} is enabled; disable it before deleting it`);
    this.rules.delete(id);
    for (const number of this.numbers.values()) {
      if (number.association?.sipRuleId !== id) continue;
      number.association = undefined;
      if (number.status === 'Assigned') number.status = 'Unassigned';
      number.updatedAt = this.now();
    }
  }

  // -------------------------------------------------------------------------------- ChimeDirectory

  inboundTargets(toNumber: string): InboundTarget[] {
    if (!this.ownsNumber(toNumber)) return [];
    const rule = [...this.rules.values()].find(
      (r) => !r.disabled && r.triggerType === 'ToPhoneNumber' && r.triggerValue === toNumber,
    );
    if (rule === undefined) return [];
    return [...rule.targets]
      .sort((a, b) => a.Priority - b.Priority)
      .flatMap((t) => {
        const sma = this.sipMediaApplication(t.AwsRegion, t.SipMediaApplicationId);
        return sma === undefined ? [] : [{ sipRuleId: rule.id, priority: t.Priority, ...sma }];
      });
  }

  sipMediaApplication(region: string, sipMediaApplicationId: string): SipMediaApplicationRef | undefined {
    const sma = this.smas.get(sipMediaApplicationId);
    if (sma === undefined || sma.region !== region) return undefined;
    return { sipMediaApplicationId: sma.id, region: sma.region, lambdaArn: sma.lambdaArn };
  }

  ownsNumber(e164: string): boolean {
    this.settleDueOrders();
    const number = this.numbers.get(e164);
    return number !== undefined && number.status !== 'DeleteInProgress';
  }

  // --------------------------------------------------------------------------------------- internals

  private nextKey(): string {
    this.sequence += 1;
    return String(this.sequence).padStart(12, '0');
  }

  /** Orders whose delay has passed complete now, even if their timer has not fired yet. */
  private settleDueOrders(): void {
    const now = this.now();
    for (const order of this.orders.values())
      if (!order.completed && now >= order.completesAt) this.completeOrder(order);
  }

  private completeOrder(order: OrderRecord): void {
    if (order.completed) return;
    const now = this.now();
    order.completed = true;
    order.updatedAt = now;
    for (const { e164, reserved } of order.numbers) {
      const pooled = reserved ? this.inventory.lookup(e164) : undefined;
      if (pooled === undefined) continue;
      this.numbers.set(e164, {
        e164,
        type: pooled.type,
        productType: order.productType,
        orderId: order.id,
        ...(order.name === undefined ? {} : { name: order.name }),
        region: order.region,
        createdAt: now,
        status: 'Unassigned',
        updatedAt: now,
      });
    }
  }

  /** Numbers in the deletion queue stay visible for the queue's seven days. */
  private isVisible(number: NumberRecord): boolean {
    return number.deletedAt === undefined || this.now() - number.deletedAt < DELETION_QUEUE_MS;
  }

  private visibleNumber(phoneNumberId: string): NumberRecord {
    this.settleDueOrders();
    const number = this.numbers.get(phoneNumberId);
    if (number === undefined || !this.isVisible(number))
      throw notFound(`Phone number ${phoneNumberId} not found`);
    return number;
  }

  /** A number a ToPhoneNumber rule can route: owned, and ordered for SIP media applications. */
  private dialInNumber(e164: string): NumberRecord {
    const number = this.ownsNumber(e164) ? this.numbers.get(e164) : undefined;
    if (number === undefined) throw badRequest(`TriggerValue ${e164} is not a phone number of this account`);
    if (number.productType !== 'SipMediaApplicationDialIn')
      throw badRequest(
        `TriggerValue ${e164} has product type ${number.productType}, not SipMediaApplicationDialIn`,
      );
    return number;
  }

  private numberFilter(query: ListPhoneNumbersQuery): (n: NumberRecord) => boolean {
    const { status, productType, filterName, filterValue } = query;
    if (status !== undefined && !PHONE_NUMBER_STATUSES.includes(status))
      throw badRequest(`Status must be one of ${PHONE_NUMBER_STATUSES.join(', ')}`);
    if (productType !== undefined) checkProductType(productType, 'ProductType');
    if (filterName !== undefined && !ASSOCIATION_NAMES.includes(filterName))
      throw badRequest(`FilterName must be one of ${ASSOCIATION_NAMES.join(', ')}`);
    if ((filterName === undefined) !== (filterValue === undefined))
      throw badRequest('FilterName and FilterValue go together');
    return (n) =>
      (status === undefined || n.status === status) &&
      (productType === undefined || n.productType === productType) &&
      (filterName === undefined || (filterName === 'SipRuleId' && n.association?.sipRuleId === filterValue));
  }

  private requireSma(region: string, id: string): SmaRecord {
    const sma = this.smas.get(id);
    if (sma === undefined || sma.region !== region)
      throw notFound(`SIP media application ${id} not found in ${region}`);
    return sma;
  }

  private requireRule(id: string): RuleRecord {
    const rule = this.rules.get(id);
    if (rule === undefined) throw notFound(`SIP rule ${id} not found`);
    return rule;
  }

  private checkTargets(targets: readonly SipRuleTargetApplication[]): SipRuleTargetApplication[] {
    if (targets.length < 1 || targets.length > MAX_TARGETS)
      throw badRequest(`TargetApplications must have 1 to ${MAX_TARGETS} items`);
    const regions = new Set<string>();
    const priorities = new Set<number>();
    return targets.map((t, i) => {
      const field = `TargetApplications[${i}]`;
      if (!Number.isInteger(t.Priority) || t.Priority < 1)
        throw badRequest(`${field}.Priority must be an integer of at least 1`);
      if (regions.has(t.AwsRegion))
        throw badRequest(`${field}.AwsRegion: at most one target per region (${t.AwsRegion} repeats)`);
      // Equal priorities would leave the failover order undefined.
      if (priorities.has(t.Priority)) throw badRequest(`${field}.Priority ${t.Priority} is used twice`);
      if (this.sipMediaApplication(t.AwsRegion, t.SipMediaApplicationId) === undefined)
        throw badRequest(
          `${field}.SipMediaApplicationId ${t.SipMediaApplicationId} does not exist in ${t.AwsRegion}`,
        );
      regions.add(t.AwsRegion);
      priorities.add(t.Priority);
      return { SipMediaApplicationId: t.SipMediaApplicationId, Priority: t.Priority, AwsRegion: t.AwsRegion };
    });
  }

  private numberView(n: NumberRecord): PhoneNumber {
    return {
      PhoneNumberId: n.e164,
      E164PhoneNumber: n.e164,
      PhoneNumberArn: `arn:aws:chime:${n.region}:${this.accountId}:phone-number/${n.e164}`,
      Country: 'US',
      Type: n.type,
      ProductType: n.productType,
      Status: n.status,
      Capabilities: {
        InboundCall: true,
        OutboundCall: true,
        InboundSMS: false,
        OutboundSMS: false,
        InboundMMS: false,
        OutboundMMS: false,
      },
      Associations:
        n.association === undefined
          ? []
          : [
              {
                Value: n.association.sipRuleId,
                Name: 'SipRuleId',
                AssociatedTimestamp: isoTimestamp(n.association.at),
              },
            ],
      CallingNameStatus: 'Unassigned',
      CreatedTimestamp: isoTimestamp(n.createdAt),
      UpdatedTimestamp: isoTimestamp(n.updatedAt),
      ...(n.deletedAt === undefined ? {} : { DeletionTimestamp: isoTimestamp(n.deletedAt) }),
      OrderId: n.orderId,
      ...(n.name === undefined ? {} : { Name: n.name }),
    };
  }

  private smaView(s: SmaRecord): SipMediaApplication {
    return {
      SipMediaApplicationId: s.id,
      AwsRegion: s.region,
      Name: s.name,
      Endpoints: [{ LambdaArn: s.lambdaArn }],
      CreatedTimestamp: isoTimestamp(s.createdAt),
      UpdatedTimestamp: isoTimestamp(s.updatedAt),
      SipMediaApplicationArn: `arn:aws:chime:${s.region}:${this.accountId}:sma/${s.id}`,
    };
  }
}

// ---------------------------------------------------------------------------------- shared validation

function checkProductType(value: string, field: string): ProductType {
  const known = PRODUCT_TYPES.find((p) => p === value);
  if (known === undefined) throw badRequest(`${field} must be one of ${PRODUCT_TYPES.join(', ')}`);
  return known;
}

function checkTriggerType(value: string): SipRuleTriggerType {
  if (value === 'ToPhoneNumber' || value === 'RequestUriHostname') return value;
  throw badRequest('TriggerType must be ToPhoneNumber or RequestUriHostname');
}

function checkResourceName(name: string): void {
  if (!RESOURCE_NAME.test(name))
    throw badRequest('Name must be 1 to 256 letters, digits, spaces, underscores, dots or hyphens');
}

/** Exactly one endpoint, a Lambda function in the SIP media application's own region. */
function checkEndpoints(endpoints: readonly { LambdaArn: string }[], region: string): string {
  const only = endpoints[0];
  if (endpoints.length !== 1 || only === undefined) throw badRequest('Endpoints must have exactly one item');
  const arnRegion = LAMBDA_ARN.exec(only.LambdaArn)?.[2];
  if (arnRegion === undefined)
    throw badRequest(`Endpoints[0].LambdaArn is not a Lambda function ARN: ${only.LambdaArn}`);
  if (arnRegion !== region)
    throw badRequest(`Endpoints[0].LambdaArn is in ${arnRegion}; it must be in ${region}, the SMA's region`);
  return only.LambdaArn;
}

function checkTags(tags: readonly Tag[] | undefined): readonly Tag[] {
  if (tags === undefined) return [];
  if (tags.length < 1 || tags.length > MAX_TAGS) throw badRequest(`Tags must have 1 to ${MAX_TAGS} items`);
  tags.forEach((tag, i) => {
    if (tag.Key.length < 1 || tag.Key.length > 128)
      throw badRequest(`Tags[${i}].Key must be 1 to 128 characters`);
    if (tag.Value.length > 256) throw badRequest(`Tags[${i}].Value must be at most 256 characters`);
  });
  return tags.map((t) => ({ Key: t.Key, Value: t.Value }));
}

function orderView(o: OrderRecord): PhoneNumberOrder {
  const statuses = o.numbers.map(
    ({ reserved }): OrderedNumberStatus => (!o.completed ? 'Processing' : reserved ? 'Acquired' : 'Failed'),
  );
  return {
    PhoneNumberOrderId: o.id,
    ProductType: o.productType,
    Status: orderStatus(o.completed, statuses),
    OrderType: 'New',
    OrderedPhoneNumbers: o.numbers.map(({ e164 }, i) => ({
      E164PhoneNumber: e164,
      Status: statuses[i] ?? 'Processing',
    })),
    CreatedTimestamp: isoTimestamp(o.createdAt),
    UpdatedTimestamp: isoTimestamp(o.updatedAt),
  };
}

function orderStatus(completed: boolean, statuses: readonly OrderedNumberStatus[]): OrderStatus {
  if (!completed) return 'Processing';
  const acquired = statuses.filter((s) => s === 'Acquired').length;
  if (acquired === statuses.length) return 'Successful';
  return acquired === 0 ? 'Failed' : 'Partial';
}

function ruleView(r: RuleRecord): SipRule {
  return {
    SipRuleId: r.id,
    Name: r.name,
    Disabled: r.disabled,
    TriggerType: r.triggerType,
    TriggerValue: r.triggerValue,
    TargetApplications: r.targets.map((t) => ({ ...t })),
    CreatedTimestamp: isoTimestamp(r.createdAt),
    UpdatedTimestamp: isoTimestamp(r.updatedAt),
  };
}

function withItems<R, T>(page: Page<R>, items: T[]): Page<T> {
  return page.nextToken === undefined ? { items } : { items, nextToken: page.nextToken };
}
