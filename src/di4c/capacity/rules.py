"""Who may do what in the capacity app: one permission per verb, all on the city
(`organisation`) except where said.

The city's editors and coordinators run it (departments, roles and targets, rounds, links,
trainings, attendance). The city's members and the staff of its networks read the
aggregates: nobody reads a single person's answers, because none are kept (models/rounds.py).
"""

import rules

from di4c.engagement.rules import is_staff_of_a_network_of_city
from di4c.networks.rules import edits_city, is_city_member, is_platform_admin

can_manage = is_platform_admin | edits_city
can_read = can_manage | is_city_member | is_staff_of_a_network_of_city

rules.add_perm("capacity.view_capacity", can_read)
rules.add_perm("capacity.manage_capacity", can_manage)
# Staff enrol themselves in their city's trainings; the city enrols anyone by name.
rules.add_perm("capacity.enrol_self", is_city_member)
# For rounds answered by signing in: the city's members (its staff accounts).
rules.add_perm("capacity.answer_round", is_city_member)
