-- Imports and activations take turns: SHARE ROW EXCLUSIVE conflicts with itself and with every row write, so
-- the next version number and the single current version of a kind never race; plain reads go on.
LOCK TABLE area_versions IN SHARE ROW EXCLUSIVE MODE
