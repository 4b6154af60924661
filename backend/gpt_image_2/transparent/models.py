"""Typed shapes of ``/api/transparent/*`` (the OpenAPI contract of the SPA and the CLI).

Request bodies are JSON with images as :class:`~gpt_image_2.jobs.models.ImageUpload`
(base64 / data URL, byte arrays or an https URL). Result objects carry the
reference's field names (spec/transparent.md §1.4-§2.3): a ``transparent
verify`` response is exactly the CLI's envelope, an extract response adds the
job that holds the PNG.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..jobs.models import ImageUpload, Job
from ..providers.sizes import normalize_size
from .options import DEFAULT_GENERATE_MATTE

__all__ = [
    "Bbox",
    "DualAlignment",
    "Extraction",
    "OutputFile",
    "OutputValue",
    "TransparentExtractRequest",
    "TransparentExtractResponse",
    "TransparentGenerateRequest",
    "TransparentVerifyRequest",
    "TransparentVerifyResponse",
    "Verification",
]

Profile = Literal[
    "generic", "icon", "product", "sticker", "seal", "translucent", "glow", "shadow", "effect"
]
Material = Literal["standard", "soft-3d", "soft3d", "flat-icon", "sticker", "glow"]
Method = Literal["auto", "chroma", "dual"]
Quality = Literal["auto", "low", "medium", "high", "xhigh", "max"]


class _Request(BaseModel):
    model_config = ConfigDict(extra="ignore")


class TransparentVerifyRequest(_Request):
    """Body of ``POST /api/transparent/verify``."""

    input: ImageUpload = Field(description="The image to check (PNG, JPEG or WebP)")
    profile: Profile = "generic"
    expected_matte_color: str | None = Field(
        default=None, description="Matte the image was keyed from: a name or #rrggbb (no auto)")
    strict: bool = Field(default=False,
                         description="A failed gate becomes 422 transparent_verification_failed")


_F32_MAX = 3.4028234663852886e38  # settings are float32 (spec §0.3)


class _ChromaFields(_Request):
    profile: Profile = "generic"
    material: Material | None = None
    threshold: float | None = Field(default=None, ge=-_F32_MAX, le=_F32_MAX,
                                    allow_inf_nan=False)
    softness: float | None = Field(default=None, ge=-_F32_MAX, le=_F32_MAX,
                                   allow_inf_nan=False)
    spill_suppression: float | None = Field(default=None, ge=0, le=1)


class TransparentExtractRequest(_ChromaFields):
    """Body of ``POST /api/transparent/extract``: ``input`` (chroma) or a dark/light pair."""

    method: Method = "auto"
    input: ImageUpload | None = Field(default=None, description="Source on a flat matte")
    dark_image: ImageUpload | None = Field(default=None, description="Subject on black")
    light_image: ImageUpload | None = Field(default=None, description="Subject on white")
    matte_color: str | None = Field(
        default=None, description="Chroma matte: a name, #rrggbb or auto (default: auto-sample)")
    strict: bool = Field(default=False,
                         description="A failed gate becomes 422 transparent_verification_failed")


class TransparentGenerateRequest(_ChromaFields):
    """Body of ``POST /api/transparent/generate``: queues a ``transparent generate`` job."""

    prompt: str = Field(description="The subject to draw. Must not be blank.")
    provider: str | None = Field(default=None, description="auto, openai, codex or a name")
    model: str | None = None
    instructions: str | None = Field(default=None, description="Codex only")
    size: str | None = Field(default=None, description="auto, 2K, 4K or WIDTHxHEIGHT")
    quality: Quality | None = None
    compression: int | None = Field(default=None, ge=0, le=100)
    moderation: Literal["auto", "low"] | None = None
    method: Method = "auto"
    matte_color: str = Field(default=DEFAULT_GENERATE_MATTE,
                             description="Matte requested in the prompt: a name or #rrggbb")
    source_prompt: str | None = Field(
        default=None, description="Replaces the whole source prompt (no extraction setup added)")
    keep_source: bool = Field(default=False,
                              description="Keep the provider's source image in the job folder")
    strict: bool = Field(
        default=True,
        description="A failed gate fails the job with transparent_verification_failed "
        "(the reference always gates); false completes it and reports verification.passed")

    @field_validator("size")
    @classmethod
    def _size(cls, value: str | None) -> str | None:
        return None if value is None else normalize_size(value)


class Bbox(BaseModel):
    x: int
    y: int
    width: int
    height: int


class Verification(BaseModel):
    """The reference's ``verification`` object (spec/transparent.md §2.3)."""

    alpha_health_score: float
    alpha_max: int
    alpha_min: int
    alpha_noise_score: float
    bbox: Bbox | None
    checkerboard_detected: bool
    color_type: str
    component_count: int
    edge_margin_px: int | None
    edge_nontransparent_pixels: int
    edge_nontransparent_ratio: float
    failure_reasons: list[str]
    halo_score: float
    has_alpha: bool
    height: int
    input_has_alpha: bool
    is_png: bool
    largest_component_pixels: int
    largest_component_ratio: float
    matte_residue_checked: bool
    matte_residue_score: float | None
    nontransparent_pixels: int
    opaque_pixels: int
    opaque_ratio: float
    partial_pixels: int
    partial_ratio: float
    passed: bool
    path: str
    profile: str
    quality_score: float
    residue_score: float
    stray_pixel_count: int
    touches_edge: bool
    transparent_pixels: int
    transparent_ratio: float
    transparent_rgb_scrubbed: bool
    warnings: list[str]
    width: int


class DualAlignment(BaseModel):
    color_space: str
    delta_channel_noise: float
    negative_delta_ratio: float
    passed: bool
    score: float


class OutputFile(BaseModel):
    index: int
    path: str
    bytes: int


class OutputValue(BaseModel):
    """The spec's output file value; ``url`` is where the API serves the file."""

    path: str | None
    bytes: int
    files: list[OutputFile]
    url: str | None = None


class Extraction(BaseModel):
    """The ``extraction`` report (spec §1.4 chroma, §1.5 dual)."""

    dual_alignment: DualAlignment | None
    inputs: dict[str, str]
    material: str | None
    matte_color: str | None
    matte_color_source: Literal["provided", "auto-sampled"] | None
    matte_decontamination_applied: bool
    method: Literal["chroma", "dual"]
    output: OutputValue
    rgb_scrubbed: bool
    softness: float | None
    spill_suppression: float | None
    threshold: float | None


class TransparentVerifyResponse(BaseModel):
    ok: Literal[True] = True
    command: Literal["transparent verify"] = "transparent verify"
    profile: str
    passed: bool
    verification: Verification


class HistoryRef(BaseModel):
    job_id: str | None


class TransparentExtractResponse(BaseModel):
    """The CLI's ``transparent extract`` envelope plus the job holding the PNG."""

    ok: Literal[True] = True
    command: Literal["transparent extract"] = "transparent extract"
    method: Literal["chroma", "dual"]
    profile: str
    material: str | None
    extraction: Extraction
    verification: Verification
    output: OutputValue
    history: HistoryRef
    job: Job
