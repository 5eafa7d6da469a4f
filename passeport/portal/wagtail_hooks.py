"""Wagtail admin adjustments: the portal's pages carry no uploaded images or documents
(Wagtail's admin needs those apps installed; operators are not offered them)."""

from wagtail import hooks

HIDDEN_MENU_ITEMS = {"images", "documents"}


@hooks.register("construct_main_menu")
def hide_media_menus(request, menu_items):
    menu_items[:] = [item for item in menu_items if item.name not in HIDDEN_MENU_ITEMS]
