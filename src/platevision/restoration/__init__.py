"""Broken plate characters: recognise, restore, and give every plausible reading."""

from platevision.restoration._inpaint import inpaint_guided
from platevision.restoration._restorer import PlateCharacterRestorer, Reading

__all__ = ["PlateCharacterRestorer", "Reading", "inpaint_guided"]
