import { addressForLimits } from './request-origin.decorator';

describe('addressForLimits', () => {
  it('counts an IPv4 address as it is, and one written as IPv6 as the IPv4 address', () => {
    expect(addressForLimits('203.0.113.9')).toBe('203.0.113.9');
    expect(addressForLimits('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressForLimits('::FFFF:cb00:7109')).toBe('203.0.113.9');
  });

  it('counts every IPv6 address of one /64 as one client, however it is written', () => {
    const oneHome = ['2001:db8:1:2::1', '2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:0DB8:0001:0002:0:0:0:7', '2001:db8:1:2::a%eth0', '2001:db8:1:2::203.0.113.9'];
    expect(new Set(oneHome.map(addressForLimits))).toEqual(new Set(['2001:db8:1:2::/64']));
    expect(addressForLimits('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressForLimits('::1')).toBe('0:0:0:0::/64');
    expect(addressForLimits('fe80::1')).toBe('fe80:0:0:0::/64');
    expect(addressForLimits('2001:db8::')).toBe('2001:db8:0:0::/64');
  });

  it('leaves what is not an address as it is', () => {
    expect(addressForLimits('unknown')).toBe('unknown');
    expect(addressForLimits('')).toBe('');
  });
});
