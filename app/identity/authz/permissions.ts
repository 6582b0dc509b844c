/*
 * What a role can be allowed to do, as `resource:action`. Custom roles pick from this list; the
 * built-in roles are fixed sets of it. Console routes name the permission they need.
 */
export const VENUE_PERMISSIONS = {
  'venue:read': 'See venue settings and branding',
  'venue:write': 'Change venue settings and branding',
  'catalog:read': 'See products, sessions and prices',
  'catalog:write': 'Change products, sessions and prices',
  'inventory:read': 'See capacity and holds',
  'inventory:write': 'Change capacity and seat maps',
  'orders:read': 'See orders and visitors',
  'orders:write': 'Sell at the box office, resend tickets',
  'refunds:read': 'See refund and change requests',
  'refunds:write': 'Approve refunds and changes (退改签)',
  'members:read': 'See members',
  'members:write': 'Manage members, passes and coupons',
  'checkin:read': 'See check-ins (核销)',
  'checkin:write': 'Check visitors in',
  'devices:read': 'See gates and scanners',
  'devices:write': 'Register and revoke gates and scanners',
  'reports:read': 'See statistics and exports',
  'finance:read': 'See settlement and reconciliation',
  'finance:write': 'Confirm settlements',
  'channels:read': 'See payment channels and the official account (secrets are never shown)',
  'channels:write': 'Configure payment channels and the official account',
  'marketing:read': 'See campaigns and messages',
  'marketing:write': 'Run campaigns and WeChat messages',
  'staff:read': 'See staff accounts',
  'staff:write': 'Invite, change and disable staff',
  'roles:read': 'See roles and permissions',
  'roles:write': 'Create and change roles',
  'audit:read': 'Read the audit log',
} as const

export type VenuePermission = keyof typeof VENUE_PERMISSIONS

const ALL = Object.keys(VENUE_PERMISSIONS) as VenuePermission[]

export const BUILTIN_ROLES: Record<string, { name: string; description: string; permissions: VenuePermission[] }> = {
  owner: { name: 'Owner', description: 'Everything, including roles and payment channels', permissions: ALL },
  admin: {
    name: 'Administrator',
    description: 'Runs the venue; cannot change roles or payment channels',
    permissions: ALL.filter((p) => p !== 'roles:write' && p !== 'channels:write'),
  },
  box_office: {
    name: 'Box office',
    description: 'Sells at the desk and looks up orders',
    permissions: ['catalog:read', 'inventory:read', 'orders:read', 'orders:write', 'refunds:read', 'members:read', 'checkin:read'],
  },
  checkin: {
    name: 'Check-in',
    description: 'Checks visitors in at the gates (核销)',
    permissions: ['checkin:read', 'checkin:write', 'orders:read', 'devices:read'],
  },
  finance: {
    name: 'Finance',
    description: 'Refunds, settlement and reports',
    permissions: ['orders:read', 'refunds:read', 'refunds:write', 'reports:read', 'finance:read', 'finance:write', 'channels:read', 'audit:read'],
  },
  marketing: {
    name: 'Marketing',
    description: 'Members, campaigns and the official account',
    permissions: ['catalog:read', 'members:read', 'members:write', 'marketing:read', 'marketing:write', 'reports:read'],
  },
}

export const PLATFORM_PERMISSIONS = {
  'tenants:read': 'See venues on the platform',
  'tenants:write': 'Approve, suspend and resume venues',
  'platform_staff:write': 'Manage platform staff',
  'platform_audit:read': 'Read the platform audit log',
} as const

export type PlatformPermission = keyof typeof PLATFORM_PERMISSIONS

export const PLATFORM_ROLES: Record<string, PlatformPermission[]> = {
  superadmin: Object.keys(PLATFORM_PERMISSIONS) as PlatformPermission[],
  support: ['tenants:read', 'platform_audit:read'],
}

export function isVenuePermission(value: string): value is VenuePermission {
  return value in VENUE_PERMISSIONS
}
