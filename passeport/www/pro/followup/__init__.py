"""The employer's follow-up of its employees' prevention trainings: the board (filters,
counters, chart of expiries, pagination), its CSV and XLSX exports, one employee's
trainings, the organisation's own list of employees and its posts.

Members of the organisation only (any role); the organisation must be an employer. Each
view that shows trainings journals a read of each person whose trainings it shows, so
every holder finds it in their access log. No NIR is ever shown back: a person is named
by first name, name and birth year.
"""
