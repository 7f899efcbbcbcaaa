"""The resident's journey: applications, needs interviews, qualification, individual plans
(IPUS) with versions and reviews, consents, referrals with their history, deliveries,
complaints and community work. Expand-only: the previous code runs against this schema.

Revision ID: t0003
Revises: t0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "t0003"
down_revision = "t0002"
branch_labels = None
depends_on = None

#: Numbers on letters ("W/2026/17"): one sequence per kind of document.
NUMBER_SEQUENCES = ("application_number", "plan_number", "referral_number", "complaint_number")


def upgrade() -> None:
    for name in NUMBER_SEQUENCES:
        op.execute(f"CREATE SEQUENCE IF NOT EXISTS {name}")
    op.create_table(
        "plan_approver",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("granted_by", sa.Uuid(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_plan_approver")),
    )
    op.create_table(
        "self_help_group",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "ended_on IS NULL OR ended_on >= started_on", name=op.f("ck_self_help_group_period")
        ),
        sa.CheckConstraint("members >= 0", name=op.f("ck_self_help_group_members_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_help_group")),
    )
    op.create_table(
        "volunteer",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("given_name", sa.String(length=100), nullable=False),
        sa.Column("family_name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("kinds", postgresql.ARRAY(sa.String(length=16)), nullable=False),
        sa.Column("active_since", sa.Date(), nullable=False),
        sa.Column("active_until", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "cardinality(kinds) > 0 AND kinds <@ ARRAY['event', 'care', 'household', "
            "'educational']::varchar[]",
            name=op.f("ck_volunteer_kinds_known"),
        ),
        sa.CheckConstraint(
            "active_until IS NULL OR active_until >= active_since", name=op.f("ck_volunteer_period")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer")),
    )
    op.create_table(
        "community_event",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("volunteers", sa.Integer(), nullable=False),
        sa.Column("self_help_group_id", sa.Uuid(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "participants >= 0 AND volunteers >= 0",
            name=op.f("ck_community_event_counts_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["self_help_group_id"],
            ["self_help_group.id"],
            name=op.f("fk_community_event_self_help_group_id_self_help_group"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_event")),
    )
    op.create_index("ix_community_event_held_on", "community_event", ["held_on"], unique=False)
    op.create_table(
        "application",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("applicant_id", sa.Uuid(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("declaration_signed", sa.Boolean(), nullable=False),
        sa.Column("plan_due_on", sa.Date(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "channel IN ('in_person', 'letter', 'email', 'e_delivery')",
            name=op.f("ck_application_channel_known"),
        ),
        sa.CheckConstraint("declaration_signed", name=op.f("ck_application_declaration_required")),
        sa.CheckConstraint(
            "plan_due_on > registered_on", name=op.f("ck_application_plan_due_after_registration")
        ),
        sa.ForeignKeyConstraint(
            ["applicant_id"], ["resident.id"], name=op.f("fk_application_applicant_id_resident")
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_application_resident_id_resident")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application")),
        sa.UniqueConstraint("number", name=op.f("uq_application_number")),
    )
    op.create_index("ix_application_resident_id", "application", ["resident_id"], unique=False)
    op.create_table(
        "consent",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("scope", postgresql.ARRAY(sa.String(length=16)), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.CheckConstraint("cardinality(scope) > 0", name=op.f("ck_consent_scope_not_empty")),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_consent_resident_id_resident")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
    )
    op.create_index(
        "ix_consent_resident_id_partner_id", "consent", ["resident_id", "partner_id"], unique=False
    )
    op.create_table(
        "neighbour_support",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("volunteer_id", sa.Uuid(), nullable=False),
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "ended_on IS NULL OR ended_on >= started_on", name=op.f("ck_neighbour_support_period")
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_neighbour_support_resident_id_resident")
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteer.id"],
            name=op.f("fk_neighbour_support_volunteer_id_volunteer"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_neighbour_support")),
    )
    op.create_index(
        "ix_neighbour_support_resident_id", "neighbour_support", ["resident_id"], unique=False
    )
    op.create_index(
        "ix_neighbour_support_volunteer_id", "neighbour_support", ["volunteer_id"], unique=False
    )
    op.create_table(
        "individual_plan",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("coordinator_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("approved_by", sa.Uuid(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("social_assistance_client", sa.Boolean(), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "ends_on >= (starts_on + interval '3 months' - interval '1 day')::date "
            "AND ends_on <= (starts_on + interval '12 months' - interval '1 day')::date",
            name=op.f("ck_individual_plan_duration_3_to_12_months"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'approved', 'closed')",
            name=op.f("ck_individual_plan_status_known"),
        ),
        sa.CheckConstraint(
            "NOT social_assistance_client", name=op.f("ck_individual_plan_not_social_assistance")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_individual_plan_application_id_application"),
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_individual_plan_resident_id_resident")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_individual_plan")),
        sa.UniqueConstraint("number", name=op.f("uq_individual_plan_number")),
    )
    op.create_index(
        "ix_individual_plan_coordinator_id", "individual_plan", ["coordinator_id"], unique=False
    )
    op.create_index(
        "ix_individual_plan_resident_id", "individual_plan", ["resident_id"], unique=False
    )
    op.create_table(
        "needs_interview",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("goals", sa.Text(), nullable=False),
        sa.Column("risks", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_needs_interview_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_needs_interview")),
        sa.UniqueConstraint("application_id", name=op.f("uq_needs_interview_application_id")),
    )
    op.create_table(
        "requested_service",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("service_version_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("support_form", sa.String(length=8), nullable=True),
        sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'granted', 'refused', 'waiting', 'withdrawn')",
            name=op.f("ck_requested_service_status_known"),
        ),
        sa.CheckConstraint(
            "support_form IS NULL OR support_form IN ('single', 'ipus')",
            name=op.f("ck_requested_service_support_form_known"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_requested_service_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_requested_service_resident_id_resident")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requested_service")),
        sa.UniqueConstraint(
            "application_id",
            "service_id",
            name=op.f("uq_requested_service_application_id_service_id"),
        ),
    )
    op.create_index("ix_requested_service_status", "requested_service", ["status"], unique=False)
    op.create_index(
        "uq_requested_service_open",
        "requested_service",
        ["resident_id", "service_id"],
        unique=True,
        postgresql_where=sa.text("status IN ('pending', 'waiting')"),
    )
    op.create_table(
        "interview_need",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("interview_id", sa.Uuid(), nullable=False),
        sa.Column("area_code", sa.SmallInteger(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.CheckConstraint("area_code BETWEEN 1 AND 14", name=op.f("ck_interview_need_area_known")),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["needs_interview.id"],
            name=op.f("fk_interview_need_interview_id_needs_interview"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_need")),
        sa.UniqueConstraint(
            "interview_id", "area_code", name=op.f("uq_interview_need_interview_id_area_code")
        ),
    )
    op.create_table(
        "plan_review",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=8), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('review', 'summary', 'closing')", name=op.f("ck_plan_review_kind_known")
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('continue', 'change', 'end')",
            name=op.f("ck_plan_review_outcome_known"),
        ),
        sa.CheckConstraint(
            "(done_on IS NULL) = (outcome IS NULL)", name=op.f("ck_plan_review_done_has_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["individual_plan.id"],
            name=op.f("fk_plan_review_plan_id_individual_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_review")),
        sa.UniqueConstraint(
            "plan_id", "due_on", "kind", name=op.f("uq_plan_review_plan_id_due_on_kind")
        ),
    )
    op.create_index(
        "ix_plan_review_due_on_open",
        "plan_review",
        ["due_on"],
        unique=False,
        postgresql_where=sa.text("done_on IS NULL"),
    )
    op.create_table(
        "plan_version",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["individual_plan.id"],
            name=op.f("fk_plan_version_plan_id_individual_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_version")),
        sa.UniqueConstraint("plan_id", "number", name=op.f("uq_plan_version_plan_id_number")),
    )
    op.create_table(
        "qualification_decision",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("requested_service_id", sa.Uuid(), nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("support_form", sa.String(length=8), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=False),
        sa.Column("decided_by_roles", sa.String(length=200), nullable=False),
        sa.Column("kipus_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(outcome = 'granted') = (support_form IS NOT NULL)",
            name=op.f("ck_qualification_decision_granted_has_form"),
        ),
        sa.CheckConstraint(
            "outcome <> 'refused' OR length(trim(reason)) > 0",
            name=op.f("ck_qualification_decision_refusal_has_reason"),
        ),
        sa.CheckConstraint(
            "outcome IN ('granted', 'refused', 'waiting')",
            name=op.f("ck_qualification_decision_outcome_known"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_service_id"],
            ["requested_service.id"],
            name=op.f("fk_qualification_decision_requested_service_id_requested_service"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qualification_decision")),
    )
    op.create_index(
        "ix_qualification_decision_requested_service_id",
        "qualification_decision",
        ["requested_service_id"],
        unique=False,
    )
    op.create_table(
        "referral",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("requested_service_id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=True),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("contract_id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.Uuid(), nullable=True),
        sa.Column("consent_id", sa.Uuid(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("volume_per_month", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'declined', 'in_delivery', 'completed', "
            "'cancelled', 'expired')",
            name=op.f("ck_referral_status_known"),
        ),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_referral_period_ordered")),
        sa.CheckConstraint("volume_per_month > 0", name=op.f("ck_referral_volume_positive")),
        sa.ForeignKeyConstraint(
            ["consent_id"], ["consent.id"], name=op.f("fk_referral_consent_id_consent")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["individual_plan.id"], name=op.f("fk_referral_plan_id_individual_plan")
        ),
        sa.ForeignKeyConstraint(
            ["requested_service_id"],
            ["requested_service.id"],
            name=op.f("fk_referral_requested_service_id_requested_service"),
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_referral_resident_id_resident")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
        sa.UniqueConstraint("number", name=op.f("uq_referral_number")),
    )
    op.create_index("ix_referral_contract_id", "referral", ["contract_id"], unique=False)
    op.create_index(
        "ix_referral_partner_id_status", "referral", ["partner_id", "status"], unique=False
    )
    op.create_index("ix_referral_resident_id", "referral", ["resident_id"], unique=False)
    op.create_table(
        "complaint",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("referral_id", sa.Uuid(), nullable=True),
        sa.Column("service_id", sa.Uuid(), nullable=True),
        sa.Column("partner_id", sa.Uuid(), nullable=True),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("forwarded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("explained_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("decision", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("corrective_action", sa.Text(), nullable=True),
        sa.Column("resident_informed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "channel IN ('in_person', 'letter', 'email', 'e_delivery', 'phone')",
            name=op.f("ck_complaint_channel_known"),
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('upheld', 'partly_upheld', 'not_upheld')",
            name=op.f("ck_complaint_outcome_known"),
        ),
        sa.CheckConstraint(
            "status IN ('registered', 'forwarded', 'explained', 'decided', 'closed')",
            name=op.f("ck_complaint_status_known"),
        ),
        sa.CheckConstraint("due_on > received_on", name=op.f("ck_complaint_due_after_receipt")),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_complaint_referral_id_referral")
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_complaint_resident_id_resident")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint")),
        sa.UniqueConstraint("number", name=op.f("uq_complaint_number")),
    )
    op.create_index("ix_complaint_resident_id", "complaint", ["resident_id"], unique=False)
    op.create_index("ix_complaint_status_due_on", "complaint", ["status", "due_on"], unique=False)
    op.create_table(
        "delivery",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("hours", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=False),
        sa.Column("recorded_by_kind", sa.String(length=8), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "recorded_by_kind IN ('cus', 'partner')", name=op.f("ck_delivery_recorder_known")
        ),
        sa.CheckConstraint("extract(day FROM month) = 1", name=op.f("ck_delivery_month_first_day")),
        sa.CheckConstraint("sessions >= 0 AND hours >= 0", name=op.f("ck_delivery_not_negative")),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_delivery_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery")),
        sa.UniqueConstraint("referral_id", "month", name=op.f("uq_delivery_referral_id_month")),
    )
    op.create_table(
        "plan_goal",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("plan_version_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("measure", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_version_id"],
            ["plan_version.id"],
            name=op.f("fk_plan_goal_plan_version_id_plan_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_goal")),
        sa.UniqueConstraint(
            "plan_version_id", "position", name=op.f("uq_plan_goal_plan_version_id_position")
        ),
    )
    op.create_table(
        "plan_service",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("plan_version_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("contract_id", sa.Uuid(), nullable=True),
        sa.Column("partner_id", sa.Uuid(), nullable=True),
        sa.Column("schedule", sa.Text(), nullable=False),
        sa.Column("volume_per_month", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_plan_service_period_ordered")),
        sa.ForeignKeyConstraint(
            ["plan_version_id"],
            ["plan_version.id"],
            name=op.f("fk_plan_service_plan_version_id_plan_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_service")),
    )
    op.create_table(
        "referral_event",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_kind", sa.String(length=8), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "actor_kind IN ('cus', 'partner', 'system')",
            name=op.f("ck_referral_event_actor_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_referral_event_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_event")),
    )
    op.create_index(
        "ix_referral_event_referral_id", "referral_event", ["referral_id"], unique=False
    )


def downgrade() -> None:
    for table in (
        "community_event",
        "neighbour_support",
        "self_help_group",
        "volunteer",
        "complaint",
        "delivery",
        "referral_event",
        "referral",
        "consent",
        "plan_approver",
        "plan_review",
        "plan_service",
        "plan_goal",
        "plan_version",
        "individual_plan",
        "qualification_decision",
        "interview_need",
        "needs_interview",
        "requested_service",
        "application",
    ):
        op.drop_table(table)
    for name in NUMBER_SEQUENCES:
        op.execute(f"DROP SEQUENCE IF EXISTS {name}")
