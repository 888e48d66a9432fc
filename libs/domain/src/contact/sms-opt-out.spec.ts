import { classifySmsReply } from './sms-opt-out';

describe('classifySmsReply', () => {
  it.each([
    ['STOP', undefined, { action: 'opt_out', keyword: 'STOP' }],
    ['stop', undefined, { action: 'opt_out', keyword: 'STOP' }],
    [' Stop \n', undefined, { action: 'opt_out', keyword: 'STOP' }],
    ['STOPALL', undefined, { action: 'opt_out', keyword: 'STOPALL' }],
    ['unsubscribe', undefined, { action: 'opt_out', keyword: 'UNSUBSCRIBE' }],
    ['Cancel', undefined, { action: 'opt_out', keyword: 'CANCEL' }],
    ['end', undefined, { action: 'opt_out', keyword: 'END' }],
    ['quit', undefined, { action: 'opt_out', keyword: 'QUIT' }],
    ['revoke', undefined, { action: 'opt_out', keyword: 'REVOKE' }],
    ['optout', undefined, { action: 'opt_out', keyword: 'OPTOUT' }],
    ['START', undefined, { action: 'opt_in', keyword: 'START' }],
    ['yes', undefined, { action: 'opt_in', keyword: 'YES' }],
    ['Unstop', undefined, { action: 'opt_in', keyword: 'UNSTOP' }],
    // not one word, or not a keyword
    ['stop sending me this', undefined, null],
    ['please stop', undefined, null],
    ['STOPP', undefined, null],
    ['HELP', undefined, null],
    ['INFO', undefined, null],
    ['', undefined, null],
    ['Bedankt!', undefined, null],
    // Twilio's Advanced Opt-Out decides when it says so (custom keywords such as Dutch "STOPPEN")
    ['STOPPEN', 'STOP', { action: 'opt_out', keyword: 'STOPPEN' }],
    ['ik wil niets meer', 'STOP', { action: 'opt_out', keyword: 'STOP' }],
    ['HERSTART', 'START', { action: 'opt_in', keyword: 'HERSTART' }],
    ['HELP', 'HELP', null],
    ['stop', 'HELP', { action: 'opt_out', keyword: 'STOP' }],
  ])('%j (OptOutType %s) → %j', (body, optOutType, expected) => {
    expect(classifySmsReply(body, optOutType)).toEqual(expected);
  });
});
