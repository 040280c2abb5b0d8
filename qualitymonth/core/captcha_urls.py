"""The captcha's picture and "换一张", mounted at /captcha/ under the library's URL names
(its widget reverses them); see core/antiabuse.py for why they are ours."""

from django.urls import path

from .antiabuse import captcha_image, captcha_refresh

urlpatterns = [
    path("image/<str:key>/", captcha_image, name="captcha-image"),
    path("refresh/", captcha_refresh, name="captcha-refresh"),
]
