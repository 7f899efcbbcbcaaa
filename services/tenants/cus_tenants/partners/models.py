"""Partners of an agreement: who they are (NIP, REGON, KRS), what they offer, where they
work, whom to call (at least two named contact persons) and their documents."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import (
    ARRAY,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cus_tenants.base import SharedBase, Timestamps

PARTNER_CATEGORIES = ("ngo", "social_economy", "business", "public_unit", "medical_entity")


class Partner(Timestamps, SharedBase):
    """A service provider registered for an agreement (NGO, social cooperative, …)."""

    __tablename__ = "partner"
    __table_args__ = (
        CheckConstraint(
            "category IN ('ngo', 'social_economy', 'business', 'public_unit', 'medical_entity')",
            name="category_known",
        ),
        Index(
            "uq_partner_agreement_id_nip",
            "agreement_id",
            "nip",
            unique=True,
            postgresql_where=text("nip IS NOT NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    agreement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agreement.id"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(250), nullable=False)
    category: Mapped[str] = mapped_column(String(24), nullable=False)
    nip: Mapped[str | None] = mapped_column(String(10))
    regon: Mapped[str | None] = mapped_column(String(14))
    krs: Mapped[str | None] = mapped_column(String(10))
    #: Experience and competences, in the partner's own words.
    description: Mapped[str | None] = mapped_column(Text)
    areas: Mapped[list[int]] = mapped_column(ARRAY(SmallInteger), nullable=False, default=list)
    gminy: Mapped[list[PartnerGmina]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    services: Mapped[list[PartnerService]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    contacts: Mapped[list[PartnerContact]] = relationship(
        cascade="all, delete-orphan", order_by="PartnerContact.name", lazy="selectin"
    )
    documents: Mapped[list[PartnerDocument]] = relationship(
        cascade="all, delete-orphan", order_by="PartnerDocument.valid_until", lazy="selectin"
    )


class PartnerGmina(SharedBase):
    """A gmina the partner serves."""

    __tablename__ = "partner_gmina"

    partner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True
    )
    teryt: Mapped[str] = mapped_column(ForeignKey("gmina.teryt"), primary_key=True)


class PartnerService(SharedBase):
    """A catalogue service the partner offers."""

    __tablename__ = "partner_service"

    partner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True
    )
    service_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("catalogue_service.id"), primary_key=True
    )


class PartnerContact(SharedBase):
    """A named contact person of the partner (staff data, not residents')."""

    __tablename__ = "partner_contact"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    partner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    position: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))


class PartnerDocument(Timestamps, SharedBase):
    """A document of the partner (statute, insurance, entry in a register) and its expiry."""

    __tablename__ = "partner_document"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    partner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    valid_until: Mapped[date | None] = mapped_column(Date)
