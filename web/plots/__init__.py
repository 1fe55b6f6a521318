"""Plot pages: the list and map, one plot, the committee's plots, adoption and care."""

from __future__ import annotations

from starlette.routing import Route

from web.plots.adoption import (
    decide,
    hand_over,
    nickname,
    release,
    renew,
    request_adoption,
    withdraw,
)
from web.plots.care import add_task, hide_log, log_care, rota, stop_task
from web.plots.committee import (
    adoption_queue,
    create_plot,
    edit_plot_form,
    from_project,
    import_form,
    import_plots,
    new_plot,
    set_photo,
    set_status,
    update_plot,
)
from web.plots.pages import list_plots, map_data, plot_page

routes = [
    Route("/c/{slug}/plots", list_plots, name="plots:list"),
    Route("/c/{slug}/plots", create_plot, methods=["POST"], name="plots:create"),
    Route("/c/{slug}/plots/map.json", map_data, name="plots:map"),
    Route("/c/{slug}/plots/new", new_plot, name="plots:new"),
    Route("/c/{slug}/plots/import", import_form, name="plots:import_form"),
    Route("/c/{slug}/plots/import", import_plots, methods=["POST"], name="plots:import"),
    Route("/c/{slug}/plots/adoptions", adoption_queue, name="plots:queue"),
    Route("/c/{slug}/plots/{plot_id}", plot_page, name="plots:detail"),
    Route("/c/{slug}/plots/{plot_id}/edit", edit_plot_form, name="plots:edit"),
    Route("/c/{slug}/plots/{plot_id}/edit", update_plot, methods=["POST"], name="plots:update"),
    Route("/c/{slug}/plots/{plot_id}/photo", set_photo, methods=["POST"], name="plots:photo"),
    Route("/c/{slug}/plots/{plot_id}/status", set_status, methods=["POST"], name="plots:status"),
    Route(
        "/c/{slug}/plots/{plot_id}/adopt",
        request_adoption,
        methods=["POST"],
        name="plots:request",
    ),
    Route("/c/{slug}/plots/{plot_id}/tasks", add_task, methods=["POST"], name="plots:add_task"),
    Route("/c/{slug}/plots/{plot_id}/care", log_care, methods=["POST"], name="plots:log_care"),
    Route(
        "/c/{slug}/adoptions/{adoption_id}/decide", decide, methods=["POST"], name="plots:decide"
    ),
    Route(
        "/c/{slug}/adoptions/{adoption_id}/withdraw",
        withdraw,
        methods=["POST"],
        name="plots:withdraw",
    ),
    Route(
        "/c/{slug}/adoptions/{adoption_id}/release", release, methods=["POST"], name="plots:release"
    ),
    Route("/c/{slug}/adoptions/{adoption_id}/renew", renew, methods=["POST"], name="plots:renew"),
    Route(
        "/c/{slug}/adoptions/{adoption_id}/hand-over",
        hand_over,
        methods=["POST"],
        name="plots:hand_over",
    ),
    Route(
        "/c/{slug}/adoptions/{adoption_id}/nickname",
        nickname,
        methods=["POST"],
        name="plots:nickname",
    ),
    Route(
        "/c/{slug}/plots/from-project/{proposal_id}",
        from_project,
        methods=["POST"],
        name="plots:from_project",
    ),
    Route("/c/{slug}/tasks/{task_id}/stop", stop_task, methods=["POST"], name="plots:stop_task"),
    Route("/c/{slug}/tasks/{task_id}/rota", rota, methods=["POST"], name="plots:rota"),
    Route("/c/{slug}/care/{log_id}/hide", hide_log, methods=["POST"], name="plots:hide_log"),
]

# Pages every anonymous visitor sees alike (web/core/page_cache.py).
SHAREABLE = {"plots:list": None, "plots:map": None, "plots:detail": None}
