from django.urls import path

from . import views

app_name = "memberships"

urlpatterns = [
    path("", views.plans, name="plans"),
    path("checkout/", views.checkout_start, name="checkout"),
    path("checkout/<uuid:reference>/done/", views.checkout_done, name="checkout-done"),
    path("checkout/<uuid:reference>/canceled/", views.checkout_canceled, name="checkout-canceled"),
    path("donate/", views.donate, name="donate"),
    path("billing/", views.billing, name="billing"),
    path("billing/subscriptions/<int:subscription_id>/cancel/", views.subscription_cancel, name="cancel"),
    path("billing/subscriptions/<int:subscription_id>/portal/", views.subscription_portal, name="portal"),
    path("billing/api-keys/", views.api_key_new, name="api-key-new"),
    path("billing/api-keys/<int:key_id>/revoke/", views.api_key_remove, name="api-key-revoke"),
    path("webhooks/<slug:provider>/", views.webhook, name="webhook"),
]
