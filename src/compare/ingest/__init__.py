"""How numbers come in: extract (candidate observations proposed from a report's text, scored against gold
sets) and review (review files a researcher marks, and the locked, validated merge of the accepted rows into
observations.csv). Every new way in (a table import, a learned step) lands here; it imports only data."""
