"""The stepping room: the backward and forward steppers, their step bar and step panel."""
