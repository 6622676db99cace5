"""The departments that nonconformances and work go to (SPEC "Who uses it")."""

from app.i18n import lazy

DEPARTMENTS: dict[str, str] = {
    "security": lazy("Security and order"),  # 秩序维护
    "engineering": lazy("Engineering and repairs"),  # 工程维修
    "cleaning": lazy("Cleaning"),  # 保洁
    "landscaping": lazy("Landscaping"),  # 绿化
    "customer_service": lazy("Customer service"),  # 客服
}
