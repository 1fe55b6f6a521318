"""What moderation needs to know about proposals and their discussion (registered here, so
that moderation imports no capability): how to find a reported proposal or comment, and how
to replace its text when personal information is taken out of it."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from participation.comments.queries import get_comment
from participation.comments.services import replace_text
from participation.core.errors import N_
from participation.media.queries import photo_view
from participation.moderation.kinds import Item, register_content
from participation.proposals.comments import thread_of
from participation.proposals.models import ProgressUpdate, Proposal, ProposalPhoto
from participation.proposals.rules import PUBLIC, Status


async def _public_proposal(proposal_id: int) -> Proposal | None:
    found = await Proposal.filter(id=proposal_id).select_related("community").first()
    # A draft is its author's alone: nobody else can see it, so nobody reports it.
    return found if found is not None and Status(found.status) in PUBLIC else None


async def find_proposal(proposal_id: int) -> Item | None:
    p = await _public_proposal(proposal_id)
    if p is None:
        return None
    params = {"slug": p.community.slug, "proposal_id": str(p.id)}
    return Item("proposal", p.id, p.community_id, p.author_id, p.body, "proposals:detail", params)


async def redact_proposal(conn: BaseDBAsyncClient, proposal_id: int, text: str) -> None:
    await Proposal.filter(id=proposal_id).using_db(conn).update(body=text)


async def find_comment(comment_id: int) -> Item | None:
    c = await get_comment(comment_id, thread_prefix="proposal:")
    if c is None or c.deleted:
        return None
    p = await _public_proposal(int(c.thread.removeprefix("proposal:")))
    if p is None or c.thread != thread_of(p.id):
        return None
    params = {"slug": p.community.slug, "proposal_id": str(p.id)}
    return Item(
        "proposal_comment",
        c.id,
        p.community_id,
        c.author_id,
        c.body,
        "proposals:detail",
        params,
        anchor=f"#comment-{c.id}",
    )


async def find_update(update_id: int) -> Item | None:
    u = await ProgressUpdate.filter(id=update_id, status="published").first()
    p = await _public_proposal(u.proposal_id) if u is not None else None
    if u is None or p is None:
        return None
    params = {"slug": p.community.slug, "proposal_id": str(p.id)}
    return Item(
        "progress_update",
        u.id,
        p.community_id,
        u.author_id,
        u.body,
        "proposals:detail",
        params,
        anchor=f"#update-{u.id}",
    )


async def redact_update(conn: BaseDBAsyncClient, update_id: int, text: str) -> None:
    await ProgressUpdate.filter(id=update_id).using_db(conn).update(body=text)


async def find_photo(photo_id: int) -> Item | None:
    link = await ProposalPhoto.filter(photo_id=photo_id).select_related("photo").first()
    p = await _public_proposal(link.proposal_id) if link is not None else None
    if link is None or p is None:
        return None
    params = {"slug": p.community.slug, "proposal_id": str(p.id)}
    return Item(
        "photo",
        photo_id,
        p.community_id,
        link.photo.owner_id,
        "",
        "proposals:detail",
        params,
        anchor=f"#photo-{photo_id}",
        photo=(link.photo.storage_key, photo_view(link.photo).pick("320")),
    )


register_content(
    "proposal", N_("Micro-project proposal"), find=find_proposal, redact=redact_proposal
)
register_content(
    "proposal_comment", N_("Comment on a proposal"), find=find_comment, redact=replace_text
)
register_content("progress_update", N_("Progress update"), find=find_update, redact=redact_update)
# A photo is hidden, never edited: it has no text to redact.
register_content("photo", N_("Photo"), find=find_photo)
