"""Tenants service: the control plane and agreement-wide data (schema ``shared``).

Registry of gminy and inter-municipal agreements, users and memberships, login and tokens;
provisions and migrates the gminy's schemas.
"""
